use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use http_body_util::{BodyExt, LengthLimitError, Limited};
use portal_core::{Confirmation, DeliveryOutcome};
use portal_store::{Delivery, Received, Recorded, Refusal};
use serde_json::json;

use crate::auth::{Unauthorized, authenticate};
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

    let credential_id =
        match authenticate(&state.store, &headers, state.allow_unauthenticated).await {
            Ok(Ok(credential_id)) => credential_id,
            Ok(Err(reason)) => {
                state.rejections.record(reason);
                return unauthorized(reason);
            }
            Err(error) => return not_stored(&error),
        };

    let received = read(&headers, body).await;
    let delivery = Delivery {
        received_at,
        credential_id,
        content_type: content_type(&headers),
        received,
    };
    match state.store.record_delivery(delivery).await {
        Ok(recorded) => answer(&recorded),
        Err(error) => not_stored(&error),
    }
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

    let body: Bytes = match Limited::new(body, MAX_BODY_BYTES).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(error) if error.is::<LengthLimitError>() => return too_large(),
        // The connection broke mid-body: the attempt is logged, with nothing to keep.
        Err(error) => {
            return Received::Unreadable {
                body: Vec::new(),
                error: portal_core::PayloadError::Malformed(format!(
                    "the body could not be read: {error}"
                )),
            };
        }
    };
    match Confirmation::from_json(&body) {
        Ok(confirmation) => Received::Confirmation {
            body: body.into(),
            confirmation,
        },
        Err(error) => Received::Unreadable {
            body: body.into(),
            error,
        },
    }
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

fn answer(recorded: &Recorded) -> Response {
    let outcome = recorded.outcome;
    let reference = recorded
        .booking
        .as_ref()
        .map(|booking| booking.reference.to_string());
    tracing::info!(
        delivery_id = recorded.delivery_id,
        outcome = outcome.as_str(),
        reference,
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
        DeliveryOutcome::MalformedJson | DeliveryOutcome::InvalidPayload => {
            format!("{detail}; the delivery was kept for staff to resolve")
        }
        DeliveryOutcome::TooLarge | DeliveryOutcome::UnsupportedMediaType => detail.to_owned(),
    };
    let status = StatusCode::from_u16(outcome.http_status())
        .expect("delivery outcomes map to valid HTTP statuses");
    let body = json!({ "error": message, "delivery_id": recorded.delivery_id });
    (status, Json(body)).into_response()
}

fn unauthorized(reason: Unauthorized) -> Response {
    let message = match reason {
        Unauthorized::NoSecretConfigured => {
            "no webhook secret is configured; an admin creates one with `partner-portal secret create`"
        }
        Unauthorized::MissingHeader | Unauthorized::WrongValue => {
            "missing or wrong webhook secret header"
        }
    };
    (StatusCode::UNAUTHORIZED, Json(json!({ "error": message }))).into_response()
}

/// The store failed: Kaddio will not retry, so this is logged loudly for the operator.
fn not_stored(error: &portal_store::Error) -> Response {
    tracing::error!(error = %error, "a webhook delivery could not be stored");
    let body =
        json!({ "error": "the delivery could not be stored; the portal's operator has been told" });
    (StatusCode::SERVICE_UNAVAILABLE, Json(body)).into_response()
}
