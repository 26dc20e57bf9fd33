//! Limits on the request itself, answered as problem+json, in one middleware.
//!
//! actix-http's codec has hard limits of its own, and answers them before any of our code sees
//! the request, with an empty body: a request head over 128 KiB or with more than 96 header
//! fields (431), a request target the `http` crate cannot hold (about 64 KiB: 400), a head not
//! complete within the request-head timeout (408). The limits here sit below those, so
//! realistic oversize requests get a problem document instead: a request target over
//! [`MAX_TARGET_BYTES`] is 414, more than [`MAX_HEADER_FIELDS`] header fields or more than
//! [`MAX_HEADER_BYTES`] of them is 431.
//!
//! The same middleware gives the body its deadline: the whole body must arrive within the
//! configured body timeout (from when the head was read), or reading it fails as
//! [`PayloadError::Io`] with [`std::io::ErrorKind::TimedOut`], which [`crate::json::ApiJson`]
//! answers 408 and actix then closes the connection. The deadline is on the payload stream
//! itself, so every extractor that reads a body is held to it.

use crate::error::ApiError;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::error::PayloadError;
use actix_web::middleware::Next;
use actix_web::web::{Bytes, Data};
use actix_web::{Error, HttpMessage, ResponseError};
use futures_util::Stream;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::time::Sleep;

/// 8 KiB, as most proxies allow: far above any path and query string of this API.
pub const MAX_TARGET_BYTES: usize = 8 * 1024;
/// Header fields (lines) in one request.
pub const MAX_HEADER_FIELDS: usize = 64;
/// The header fields' names and values together.
pub const MAX_HEADER_BYTES: usize = 32 * 1024;

/// How long the body of one request may take to arrive, as app data for [`middleware`].
#[derive(Debug, Clone, Copy)]
pub struct BodyTimeout(pub Duration);

pub async fn middleware(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    if let Some(refusal) = refusal(&req) {
        let response = refusal.error_response();
        return Ok(req.into_response(response).map_into_right_body());
    }
    if let Some(timeout) = req.app_data::<Data<BodyTimeout>>().map(|t| t.0) {
        match req.take_payload() {
            Payload::None => {}
            payload => req.set_payload(Payload::Stream {
                payload: Box::pin(Deadline {
                    inner: payload,
                    sleep: Box::pin(tokio::time::sleep(timeout)),
                    expired: false,
                }),
            }),
        }
    }
    next.call(req)
        .await
        .map(ServiceResponse::map_into_left_body)
}

fn refusal(req: &ServiceRequest) -> Option<ApiError> {
    let uri = req.uri();
    let target = uri.path_and_query().map_or(0, |pq| pq.as_str().len())
        + uri
            .authority()
            .map_or(0, |authority| authority.as_str().len());
    if target > MAX_TARGET_BYTES {
        return Some(ApiError::UriTooLong {
            limit: MAX_TARGET_BYTES,
        });
    }
    let headers = req.headers();
    if headers.len() > MAX_HEADER_FIELDS {
        return Some(ApiError::HeaderFieldsTooLarge {
            detail: format!(
                "The request has {} header fields; at most {MAX_HEADER_FIELDS} are accepted.",
                headers.len()
            ),
        });
    }
    let bytes: usize = headers
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len())
        .sum();
    if bytes > MAX_HEADER_BYTES {
        return Some(ApiError::HeaderFieldsTooLarge {
            detail: format!(
                "The request's header fields come to {bytes} bytes; at most {MAX_HEADER_BYTES} \
                 are accepted."
            ),
        });
    }
    None
}

/// A payload that fails once its deadline passes before its end.
struct Deadline {
    inner: Payload,
    sleep: Pin<Box<Sleep>>,
    expired: bool,
}

impl Stream for Deadline {
    type Item = Result<Bytes, PayloadError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.expired {
            return Poll::Ready(None);
        }
        if let Poll::Ready(item) = Pin::new(&mut self.inner).poll_next(cx) {
            return Poll::Ready(item);
        }
        match self.sleep.as_mut().poll(cx) {
            Poll::Ready(()) => {
                self.expired = true;
                Poll::Ready(Some(Err(PayloadError::Io(std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    "the request body did not arrive in time",
                )))))
            }
            Poll::Pending => Poll::Pending,
        }
    }
}
