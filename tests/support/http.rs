//! HTTP for tests: the client, a bearer token on a request, and replies read whole, with the
//! checks every error answer must pass (RFC 9457 problem+json with a stable `code`).

use actix_web::web::Bytes;
use awc::error::{PayloadError, SendRequestError};
use awc::http::header::HeaderMap;
use serde_json::Value;
use std::time::{Duration, Instant};

/// The awc client of a suite; `timeout` bounds every request. Redirects are answers to check,
/// so they are not followed.
pub fn client(timeout: Duration) -> awc::Client {
    awc::Client::builder()
        .timeout(timeout)
        .disable_redirects()
        .finish()
}

pub fn bearer(request: awc::ClientRequest, token: &str) -> awc::ClientRequest {
    request.insert_header(("authorization", format!("Bearer {token}")))
}

/// A whole reply: status, headers, body, and how long it took from sending to the last byte.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    pub elapsed: Duration,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|_| {
            panic!(
                "not JSON ({}): {}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    }

    #[track_caller]
    pub fn assert_status(&self, status: u16) -> &Self {
        assert_eq!(self.status, status, "body: {}", self.text());
        self
    }

    /// Asserts the status and that the answer is problem+json with the given code; returns the
    /// problem document.
    #[track_caller]
    pub fn assert_problem(&self, status: u16, code: &str) -> Value {
        assert_eq!(self.status, status, "body: {}", self.text());
        assert_eq!(
            self.header("content-type").as_deref(),
            Some("application/problem+json")
        );
        let body = self.json();
        assert_eq!(body["status"], status);
        assert_eq!(body["code"], code, "body: {body}");
        assert!(
            body["title"].is_string() && body["detail"].is_string() && body["type"].is_string()
        );
        body
    }

    /// A 503 `service_unavailable` problem document with a Retry-After header.
    pub fn is_unavailable_problem(&self) -> bool {
        self.status == 503
            && self.header("content-type").as_deref() == Some("application/problem+json")
            && self.header("retry-after").is_some()
            && serde_json::from_slice::<Value>(&self.body)
                .is_ok_and(|body| body["status"] == 503 && body["code"] == "service_unavailable")
    }

    #[track_caller]
    pub fn assert_unavailable(&self, what: &str) {
        assert!(
            self.is_unavailable_problem(),
            "{what}: expected 503 service_unavailable problem+json with Retry-After, got {} \
             {:?} retry-after {:?}: {}",
            self.status,
            self.header("content-type"),
            self.header("retry-after"),
            self.text()
        );
    }
}

/// Sends `request` (with `body` as JSON if given) and reads the whole reply; an error is a
/// failure to connect, a broken connection or the client's timeout.
pub async fn send(request: awc::ClientRequest, body: Option<&Value>) -> Result<Reply, String> {
    let started = Instant::now();
    let response = match body {
        Some(body) => request.send_json(body).await,
        None => request.send().await,
    };
    read(started, response).await
}

/// Sends `body` as it is, declared as `content_type`, and reads the whole reply.
pub async fn send_raw(
    request: awc::ClientRequest,
    content_type: &str,
    body: Vec<u8>,
) -> Result<Reply, String> {
    let started = Instant::now();
    let response = request
        .insert_header(("content-type", content_type))
        .send_body(body)
        .await;
    read(started, response).await
}

async fn read<S>(
    started: Instant,
    response: Result<awc::ClientResponse<S>, SendRequestError>,
) -> Result<Reply, String>
where
    S: futures_core::Stream<Item = Result<Bytes, PayloadError>> + Unpin,
{
    let mut response = response.map_err(|error| error.to_string())?;
    let body = response
        .body()
        .limit(16 * 1024 * 1024)
        .await
        .map_err(|error| error.to_string())?
        .to_vec();
    Ok(Reply {
        status: response.status().as_u16(),
        headers: response.headers().clone(),
        body,
        elapsed: started.elapsed(),
    })
}
