//! Logging: `RUST_LOG` picks what is logged, `PORTAL_LOG_FORMAT=json` makes it JSON lines.

use std::io::IsTerminal;
use std::time::Duration;

use anyhow::bail;
use axum::extract::MatchedPath;
use axum::http::{HeaderName, Request, Response};
use tower_http::request_id::{MakeRequestId, RequestId};
use tracing::{Level, Span};
use tracing_subscriber::EnvFilter;

/// The header that carries a request's id, set here when the client sent none.
pub const REQUEST_ID_HEADER: HeaderName = HeaderName::from_static("x-request-id");

/// Environment variables this program reads; any other `PORTAL_` one is likely a typo.
const KNOWN_VARIABLES: [&str; 3] = ["PORTAL_BIND", "PORTAL_PUBLIC_URL", "PORTAL_LOG_FORMAT"];

/// Installs the global subscriber. The server logs at `info` by default; the CLI, whose
/// output is for the person at the terminal, only at `warn`, and leaves sqlx's warnings
/// about slow statements out: its own error line says what went wrong.
pub fn init(serving: bool) -> anyhow::Result<()> {
    let default_directives = if serving {
        "info,sqlx=warn"
    } else {
        "warn,sqlx=error"
    };
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_directives));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr);
    match std::env::var("PORTAL_LOG_FORMAT").as_deref() {
        Ok("json") => builder.json().flatten_event(true).init(),
        Ok("text") | Err(_) => builder.init(),
        Ok(other) => bail!("PORTAL_LOG_FORMAT is {other:?}; use text or json"),
    }

    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy();
        if name.starts_with("PORTAL_") && !KNOWN_VARIABLES.contains(&name.as_ref()) {
            tracing::warn!(variable = %name, "unknown PORTAL_ variable ignored; known: {KNOWN_VARIABLES:?}");
        }
    }
    Ok(())
}

/// The longest request id taken from a client, enough for a UUID or nginx's `$request_id`.
const MAX_REQUEST_ID_LEN: usize = 128;

/// Keeps a request id sent by a proxy only when it is short and plain, so that a client
/// cannot write what it likes into every log line; without one, a fresh id is made.
pub async fn drop_unusable_request_id(
    mut request: axum::extract::Request,
) -> axum::extract::Request {
    let usable = request
        .headers()
        .get(REQUEST_ID_HEADER)
        .is_none_or(|value| {
            value.len() <= MAX_REQUEST_ID_LEN
                && value
                    .as_bytes()
                    .iter()
                    .all(|byte| byte.is_ascii_alphanumeric() || b"-_.:".contains(byte))
        });
    if !usable {
        request.headers_mut().remove(REQUEST_ID_HEADER);
    }
    request
}

/// Request ids: 64 random bits in hex, enough to find one request's lines in a busy log.
#[derive(Clone, Copy, Default)]
pub struct RandomRequestId;

impl MakeRequestId for RandomRequestId {
    fn make_request_id<B>(&mut self, _: &Request<B>) -> Option<RequestId> {
        let id = format!("{:016x}", rand::random::<u64>());
        Some(RequestId::new(
            id.parse().expect("hex digits form a valid header value"),
        ))
    }
}

/// One span per request, named by its route template so that routes group in the log.
/// Health checks get a `debug` span, so that probes do not drown the log.
pub fn request_span<B>(request: &Request<B>) -> Span {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("none", MatchedPath::as_str);
    let request_id = request
        .headers()
        .get(REQUEST_ID_HEADER)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("-");
    let method = request.method().as_str();
    if crate::health::is_health_check(route) {
        tracing::debug_span!("request", method, route, request_id)
    } else {
        tracing::info_span!("request", method, route, request_id)
    }
}

/// Logs the response inside the request's span, at the span's own level.
pub fn log_response<B>(response: &Response<B>, latency: Duration, span: &Span) {
    let status = response.status().as_u16();
    let latency_ms = latency.as_secs_f64() * 1000.0;
    if span
        .metadata()
        .is_some_and(|meta| *meta.level() == Level::INFO)
    {
        tracing::info!(status, latency_ms, "answered");
    } else {
        tracing::debug!(status, latency_ms, "answered");
    }
}
