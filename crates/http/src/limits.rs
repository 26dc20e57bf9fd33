//! Limits on the request itself, in one middleware.
//!
//! The body gets its deadline here: the whole body must arrive within the configured body
//! timeout (from when the head was read), or reading it fails as [`PayloadError::Io`] with
//! [`std::io::ErrorKind::TimedOut`], which [`crate::json::ApiJson`] answers 408 and actix then
//! closes the connection. The deadline is on the payload stream itself, so every extractor that
//! reads a body is held to it.

use actix_web::body::MessageBody;
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::error::PayloadError;
use actix_web::middleware::Next;
use actix_web::web::{Bytes, Data};
use actix_web::{Error, HttpMessage};
use futures_util::Stream;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::time::Sleep;

/// How long the body of one request may take to arrive, as app data for [`middleware`].
#[derive(Debug, Clone, Copy)]
pub struct BodyTimeout(pub Duration);

pub async fn middleware(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
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
    next.call(req).await
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
