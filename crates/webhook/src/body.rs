//! Reading a delivery's body, keeping whatever arrived.

use std::time::Duration;

use axum::body::Body;
use axum::http::{HeaderMap, header};
use http_body_util::BodyExt;
use portal_core::Confirmation;
use portal_store::{Received, Refusal};
use tokio::time::Instant;

use crate::MAX_BODY_BYTES;

/// How long the whole body may take to arrive. Kaddio's are a few hundred bytes; a body
/// that trickles in slower than this is cut off, and what came of it is kept.
const BODY_DEADLINE: Duration = Duration::from_secs(30);

/// Content types longer than this are cut before they are stored.
const MAX_CONTENT_TYPE_CHARS: usize = 200;

/// Reads the body, refusing it unread when it is not declared as JSON or is too large.
pub(crate) async fn read(headers: &HeaderMap, body: Body) -> Received {
    if !declares_json(headers) {
        return Received::Refused {
            outcome: Refusal::UnsupportedMediaType,
            detail: "Content-Type must be application/json".into(),
        };
    }
    let too_large = || Received::Refused {
        outcome: Refusal::TooLarge,
        detail: format!("the body is larger than {} KiB", MAX_BODY_BYTES / 1024),
    };
    let declared_length = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok()?.parse::<usize>().ok());
    if declared_length.is_some_and(|length| length > MAX_BODY_BYTES) {
        return too_large();
    }

    let body = match collect(body, Instant::now() + BODY_DEADLINE).await {
        Ok(body) => body,
        Err(Cut::TooLarge) => return too_large(),
        Err(Cut::Broken { partial, error }) => {
            let detail = format!(
                "the connection broke after {} bytes of the body ({error})",
                partial.len()
            );
            return Received::Interrupted { partial, detail };
        }
        Err(Cut::TooSlow { partial }) => {
            let detail = format!(
                "the body did not arrive within {} seconds; {} bytes came",
                BODY_DEADLINE.as_secs(),
                partial.len()
            );
            return Received::Interrupted { partial, detail };
        }
    };
    match Confirmation::from_json(&body) {
        Ok(confirmation) => Received::Confirmation { body, confirmation },
        Err(error) => Received::Unreadable { body, error },
    }
}

/// The stored value of the `Content-Type` header, if it was sent.
pub(crate) fn content_type(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::CONTENT_TYPE)?;
    let text = String::from_utf8_lossy(value.as_bytes());
    Some(text.chars().take(MAX_CONTENT_TYPE_CHARS).collect())
}

/// `application/json`, with or without parameters such as `charset`.
fn declares_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("application/json"))
}

/// Why a body was not read to its end; `partial` is what came before.
enum Cut {
    TooLarge,
    Broken { partial: Vec<u8>, error: String },
    TooSlow { partial: Vec<u8> },
}

/// The whole body, up to [`MAX_BODY_BYTES`] and by `deadline`.
async fn collect(mut body: Body, deadline: Instant) -> Result<Vec<u8>, Cut> {
    let mut bytes = Vec::new();
    loop {
        let frame = match tokio::time::timeout_at(deadline, body.frame()).await {
            Ok(None) => return Ok(bytes),
            Ok(Some(Ok(frame))) => frame,
            Ok(Some(Err(error))) => {
                let error = error.to_string();
                return Err(Cut::Broken {
                    partial: bytes,
                    error,
                });
            }
            Err(_) => return Err(Cut::TooSlow { partial: bytes }),
        };
        if let Some(data) = frame.data_ref() {
            if bytes.len() + data.len() > MAX_BODY_BYTES {
                return Err(Cut::TooLarge);
            }
            bytes.extend_from_slice(data);
        }
    }
}
