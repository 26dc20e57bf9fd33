//! Cross-origin requests: browsers on the origins an authority lists
//! (`EARLYHELP_CORS_ORIGINS`, none by default) may call the API; from anywhere else a browser
//! gets no CORS headers, and a preflight is refused as any other `OPTIONS` is (405).

use actix_cors::Cors;
use actix_web::http::{header, Method};

/// The origins allowed to call the API from a browser: `scheme://host[:port]`, exactly.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CorsOrigins(Vec<String>);

/// An origin that is not `http(s)://host[:port]`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not an origin: expected https://host or https://host:port, with no path")]
pub struct InvalidOrigin(pub String);

impl CorsOrigins {
    /// A comma-separated list; blank is none.
    pub fn parse(list: &str) -> Result<Self, InvalidOrigin> {
        list.split(',')
            .map(str::trim)
            .filter(|origin| !origin.is_empty())
            .map(|origin| {
                let rest = origin
                    .strip_prefix("https://")
                    .or_else(|| origin.strip_prefix("http://"))
                    .ok_or_else(|| InvalidOrigin(origin.to_owned()))?;
                let (host, port) = rest.split_once(':').unwrap_or((rest, "443"));
                let host_ok = !host.is_empty()
                    && host
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-');
                let port_ok = port.parse::<u16>().is_ok_and(|port| port > 0);
                if host_ok && port_ok {
                    Ok(origin.to_ascii_lowercase())
                } else {
                    Err(InvalidOrigin(origin.to_owned()))
                }
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Self)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The middleware: the listed origins, the API's methods and request headers, and the
    /// response headers a client needs to read (ETag, Location, X-Request-Id, Next-Cursor).
    pub fn middleware(&self) -> Cors {
        let mut cors = Cors::default()
            .allowed_methods([
                Method::GET,
                Method::HEAD,
                Method::POST,
                Method::PUT,
                Method::PATCH,
                Method::DELETE,
            ])
            .allowed_headers([
                header::AUTHORIZATION,
                header::CONTENT_TYPE,
                header::ACCEPT,
                header::IF_MATCH,
            ])
            .allowed_header("idempotency-key")
            .allowed_header("x-request-id")
            .allowed_header("traceparent")
            .expose_headers([
                header::ETAG,
                header::LOCATION,
                header::RETRY_AFTER,
                header::CONTENT_DISPOSITION,
            ])
            .expose_headers(["x-request-id", "next-cursor"])
            .max_age(600);
        for origin in &self.0 {
            cors = cors.allowed_origin(origin);
        }
        cors
    }
}

#[cfg(test)]
mod tests {
    use super::CorsOrigins;

    #[test]
    fn origins_are_exact_schemes_hosts_and_ports() {
        let parsed =
            CorsOrigins::parse(" https://portal.example.gov.uk, http://localhost:3000 ,").unwrap();
        assert_eq!(
            parsed,
            CorsOrigins(vec![
                "https://portal.example.gov.uk".into(),
                "http://localhost:3000".into()
            ])
        );
        assert!(CorsOrigins::parse("").unwrap().is_empty());
        for bad in [
            "portal.example",
            "https://portal.example/",
            "https://*.example",
            "ftp://x",
            "https://x:0",
        ] {
            assert!(CorsOrigins::parse(bad).is_err(), "{bad}");
        }
    }
}
