use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use http_body_util::BodyExt;
use portal_core::{Confirmation, DeliveryOutcome};
use portal_store::{Delivery, Received, Recorded, Refusal, Store};
use serde_json::json;
use time::format_description::well_known::Rfc3339;
use tracing::{Instrument, Span};

use crate::auth::{Access, authenticate};
use crate::{MAX_BODY_BYTES, WebhookState};

/// Content types longer than this are cut before they are stored.
const MAX_CONTENT_TYPE_CHARS: usize = 200;

/// `POST /webhooks/kaddio`: authenticate, read, store, then answer.
pub(crate) async fn receive(
    State(state): State<WebhookState>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let received_at = portal_core::now();

    let access = authenticate(&state.store, &headers, state.allow_unauthenticated).await;
    let credential_id = match access {
        Ok(Access::Secret(id)) => Some(id),
        Ok(Access::Open) => None,
        Ok(Access::Refused(reason)) => {
            state.rejections.record(reason);
            return unauthorized();
        }
        Err(error) => {
            tracing::error!(%error, "cannot check the webhook secret; the delivery was refused unread");
            return not_stored();
        }
    };

    let delivery = Delivery {
        received_at,
        credential_id,
        content_type: content_type(&headers),
        received: read(&headers, body).await,
    };
    match store(state.store.clone(), delivery).await {
        Some(recorded) => answer(&recorded, credential_id),
        None => not_stored(),
    }
}

/// Stores the delivery on a task of its own: if Kaddio hangs up while we wait for the
/// database, this request is dropped, but the delivery is still stored.
async fn store(store: Store, delivery: Delivery) -> Option<Recorded> {
    let storing = async move {
        let stored = store.record_delivery(&delivery).await;
        if let Err(error) = &stored {
            log_lost(&delivery, error);
        }
        stored.ok()
    };
    // The request's span goes along, so the task's log lines carry its request id.
    let task = tokio::spawn(storing.instrument(Span::current()));
    task.await.unwrap_or_else(|panic| {
        tracing::error!(%panic, "storing a webhook delivery panicked");
        None
    })
}

/// Kaddio will not send the delivery again, so the log line keeps what it carried for
/// the operator to enter by hand.
fn log_lost(delivery: &Delivery, error: &portal_store::Error) {
    let body = match &delivery.received {
        Received::Refused { .. } => None,
        Received::Unreadable { body, .. } | Received::Confirmation { body, .. } => Some(body),
        Received::Interrupted { partial, .. } => Some(partial),
    };
    let received_at = delivery.received_at.format(&Rfc3339).unwrap_or_default();
    tracing::error!(
        %error,
        received_at,
        credential_id = delivery.credential_id,
        body = body.map(|body| String::from_utf8_lossy(body).into_owned()),
        "a webhook delivery could not be stored; its body is in this line"
    );
}

/// Reads the body, refusing it unread when it is not declared as JSON or is too large.
async fn read(headers: &HeaderMap, body: Body) -> Received {
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

    let body = match collect(body).await {
        Ok(body) => body,
        Err(BodyError::TooLarge) => return too_large(),
        Err(BodyError::Interrupted { partial, error }) => {
            let detail = format!(
                "the connection broke after {} bytes of the body ({error})",
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

enum BodyError {
    TooLarge,
    /// The body broke off; `partial` is what came before.
    Interrupted {
        partial: Vec<u8>,
        error: String,
    },
}

/// The whole body, up to [`MAX_BODY_BYTES`], keeping what arrived if it breaks off.
async fn collect(mut body: Body) -> Result<Vec<u8>, BodyError> {
    let mut bytes = Vec::new();
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|error| BodyError::Interrupted {
            partial: std::mem::take(&mut bytes),
            error: error.to_string(),
        })?;
        if let Some(data) = frame.data_ref() {
            if bytes.len() + data.len() > MAX_BODY_BYTES {
                return Err(BodyError::TooLarge);
            }
            bytes.extend_from_slice(data);
        }
    }
    Ok(bytes)
}

/// `application/json`, with or without parameters such as `charset`.
fn declares_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("application/json"))
}

fn content_type(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::CONTENT_TYPE)?;
    let text = String::from_utf8_lossy(value.as_bytes());
    Some(text.chars().take(MAX_CONTENT_TYPE_CHARS).collect())
}

/// Answers a stored delivery; `credential_id` is the secret it carried, `None` when none
/// was asked for.
fn answer(recorded: &Recorded, credential_id: Option<i64>) -> Response {
    let outcome = recorded.outcome;
    let reference = recorded
        .booking
        .as_ref()
        .map(|booking| booking.reference.to_string());
    tracing::info!(
        delivery_id = recorded.delivery_id,
        outcome = outcome.as_str(),
        reference,
        credential_id,
        "webhook delivery stored"
    );

    let detail = recorded
        .detail
        .as_deref()
        .unwrap_or("the delivery was refused");
    let message = match outcome {
        DeliveryOutcome::Confirmed | DeliveryOutcome::Duplicate | DeliveryOutcome::Unmatched => {
            return (StatusCode::OK, Json(json!({ "received": true }))).into_response();
        }
        DeliveryOutcome::MalformedJson
        | DeliveryOutcome::InvalidPayload
        | DeliveryOutcome::IncompleteBody => {
            format!("{detail}; the delivery was kept for staff to resolve")
        }
        DeliveryOutcome::TooLarge | DeliveryOutcome::UnsupportedMediaType => detail.to_owned(),
    };
    let status = StatusCode::from_u16(outcome.http_status())
        .expect("delivery outcomes map to valid HTTP statuses");
    let body = json!({ "error": message, "delivery_id": recorded.delivery_id });
    (status, Json(body)).into_response()
}

/// One answer for every refusal: why is the operator's to read in the log, not the caller's.
fn unauthorized() -> Response {
    let body = json!({ "error": "missing or wrong webhook secret header" });
    (StatusCode::UNAUTHORIZED, Json(body)).into_response()
}

/// The delivery is not stored; why is in the log, for the operator.
fn not_stored() -> Response {
    let body =
        json!({ "error": "the delivery could not be stored; the portal's operator has been told" });
    (StatusCode::SERVICE_UNAVAILABLE, Json(body)).into_response()
}
