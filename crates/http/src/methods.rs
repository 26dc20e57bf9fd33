//! Request methods outside HTTP's own set are one method, `OTHER`, to everything after the
//! request log: the per-route metrics label their series by method, and a label per invented
//! method name would let anonymous callers grow `/metrics` (and the server's memory) without
//! bound. They were never routable, so routing answers them exactly as before (405 or 404).

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::Error;

const KNOWN: [Method; 9] = [
    Method::GET,
    Method::HEAD,
    Method::POST,
    Method::PUT,
    Method::PATCH,
    Method::DELETE,
    Method::OPTIONS,
    Method::CONNECT,
    Method::TRACE,
];

pub async fn bucket(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    if !KNOWN.contains(req.method()) {
        if let Ok(other) = Method::from_bytes(b"OTHER") {
            req.head_mut().method = other;
        }
    }
    next.call(req).await
}
