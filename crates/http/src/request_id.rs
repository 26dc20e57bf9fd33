//! Request ids, the request log line and security headers, in one middleware.
//!
//! A client may send `X-Request-Id` (visible ASCII, at most 128 characters); otherwise one is
//! generated. It is echoed on the response, carried in every log line of the request, written
//! into audit entries and problem documents. The client's address ([`ClientAddress`]) is
//! resolved here once, for the log lines, the audit entries and the sign-in limits.

use crate::client::{ClientAddress, TrustedProxies};
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::web::Data;
use actix_web::{Error, HttpMessage};
use std::net::IpAddr;
use std::time::Instant;
use tracing::Instrument;

pub const REQUEST_ID_HEADER: &str = "x-request-id";

#[derive(Debug, Clone)]
pub struct RequestId(pub String);

tokio::task_local! {
    /// The current request's id, for error responses rendered without the request at hand.
    static CURRENT: String;
}

/// The id of the request being served on this task, if any.
pub fn current() -> Option<String> {
    CURRENT.try_with(Clone::clone).ok()
}

fn accepted(value: &HeaderValue) -> Option<String> {
    let text = value.to_str().ok()?;
    let valid = !text.is_empty() && text.len() <= 128 && text.bytes().all(|b| b.is_ascii_graphic());
    valid.then(|| text.to_owned())
}

/// The trace id of a W3C `traceparent` header (`00-<32 hex>-<16 hex>-<2 hex>`), so a request's
/// lines join the caller's distributed trace; anything else is ignored.
fn trace_id(value: &HeaderValue) -> Option<String> {
    let text = value.to_str().ok()?.trim();
    let parts: Vec<&str> = text.split('-').collect();
    let hex = |part: &str, len: usize| {
        part.len() == len && part.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    };
    let [version, trace, parent, flags] = parts.as_slice() else {
        return None;
    };
    let valid = hex(version, 2)
        && *version != "ff"
        && hex(trace, 32)
        && trace.bytes().any(|b| b != b'0')
        && hex(parent, 16)
        && parent.bytes().any(|b| b != b'0')
        && hex(flags, 2);
    valid.then(|| (*trace).to_owned())
}

/// The peer, or the client a trusted proxy forwarded for (see [`crate::client`]).
fn client_address(req: &ServiceRequest) -> ClientAddress {
    let peer = req
        .peer_addr()
        .map_or(IpAddr::from([0, 0, 0, 0]), |addr| addr.ip());
    let Some(trusted) = req.app_data::<Data<TrustedProxies>>() else {
        return ClientAddress(peer);
    };
    let forwarded: Vec<&str> = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|value| value.to_str().ok())
        .collect();
    ClientAddress(trusted.client(peer, &forwarded))
}

pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let id = req
        .headers()
        .get(REQUEST_ID_HEADER)
        .and_then(accepted)
        .unwrap_or_else(|| uuid::Uuid::now_v7().to_string());
    req.extensions_mut().insert(RequestId(id.clone()));
    let client = client_address(&req);
    req.extensions_mut().insert(client);
    let method = req.method().clone();
    let span = tracing::info_span!("request", request.id = %id, client.address = %client, http.method = %method, http.route = tracing::field::Empty, trace.id = tracing::field::Empty);
    if let Some(trace) = req.headers().get("traceparent").and_then(trace_id) {
        span.record("trace.id", trace.as_str());
    }
    let started = Instant::now();
    let result = CURRENT
        .scope(id.clone(), next.call(req).instrument(span.clone()))
        .await;
    let mut response = match result {
        Ok(response) => response,
        Err(error) => return Err(error),
    };
    let route = response
        .request()
        .match_pattern()
        .unwrap_or_else(|| "unmatched".to_owned());
    span.record("http.route", route.as_str());
    let status = response.status().as_u16();
    // A number (to a tenth of a millisecond), so log queries can compare and sum it.
    let elapsed_ms = (started.elapsed().as_secs_f64() * 10_000.0).round() / 10.0;
    span.in_scope(|| tracing::info!(http.status = status, elapsed_ms, "request served"));

    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&id) {
        headers.insert(HeaderName::from_static(REQUEST_ID_HEADER), value);
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    if !headers.contains_key(header::CACHE_CONTROL) {
        // Case data must never sit in a shared or browser cache.
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::trace_id;
    use actix_web::http::header::HeaderValue;

    #[test]
    fn a_w3c_traceparent_gives_its_trace_id_and_nothing_else_does() {
        let trace = |text: &str| trace_id(&HeaderValue::from_str(text).unwrap());
        assert_eq!(
            trace("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01").as_deref(),
            Some("4bf92f3577b34da6a3ce929d0e0e4736")
        );
        for bad in [
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
            "not a trace",
        ] {
            assert_eq!(trace(bad), None, "{bad}");
        }
    }
}
