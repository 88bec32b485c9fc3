use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use portal_core::DeliveryOutcome;
use portal_store::{Delivery, Received, Recorded, Store};
use serde_json::json;
use time::format_description::well_known::Rfc3339;
use tracing::{Instrument, Span};

use crate::WebhookState;
use crate::auth::{Access, authenticate};
use crate::body;

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
        content_type: body::content_type(&headers),
        received: body::read(&headers, body).await,
    };
    match store(&state, delivery).await {
        Some(recorded) => answer(&recorded),
        None => not_stored(),
    }
}

/// Stores the delivery on a task of its own: if Kaddio hangs up while we wait for the
/// database, this request is dropped, but the delivery is still stored, and the server
/// waits for it before it stops (see [`WebhookState::finish_storing`]).
async fn store(state: &WebhookState, delivery: Delivery) -> Option<Recorded> {
    let store = state.store.clone();
    let storing = async move { store_and_log(&store, &delivery).await };
    // The request's span goes along, so the task's log lines carry its request id.
    let task = state.storing.spawn(storing.instrument(Span::current()));
    task.await.unwrap_or_else(|panic| {
        tracing::error!(%panic, "storing a webhook delivery panicked");
        None
    })
}

async fn store_and_log(store: &Store, delivery: &Delivery) -> Option<Recorded> {
    match store.record_delivery(delivery).await {
        Ok(recorded) => {
            tracing::info!(
                delivery_id = recorded.delivery_id,
                outcome = recorded.outcome.as_str(),
                reference = recorded.booking.as_ref().map(|b| b.reference.to_string()),
                credential_id = delivery.credential_id,
                "webhook delivery stored"
            );
            Some(recorded)
        }
        Err(error) => {
            log_lost(delivery, &error);
            None
        }
    }
}

/// Kaddio will not send the delivery again, so the log line keeps what it carried for
/// the operator to enter by hand.
fn log_lost(delivery: &Delivery, error: &portal_store::Error) {
    let received_at = delivery.received_at.format(&Rfc3339).unwrap_or_default();
    let credential_id = delivery.credential_id;
    match &delivery.received {
        Received::Refused { outcome, .. } => tracing::error!(
            %error,
            received_at,
            credential_id,
            outcome = DeliveryOutcome::from(*outcome).as_str(),
            "a webhook delivery refused unread could not be logged"
        ),
        received => tracing::error!(
            %error,
            received_at,
            credential_id,
            body = %String::from_utf8_lossy(received.body().unwrap_or_default()),
            "a webhook delivery could not be stored; its body is in this line"
        ),
    }
}

fn answer(recorded: &Recorded) -> Response {
    let outcome = recorded.outcome;
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
            format!("{detail}; the delivery was kept for staff to see")
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
    let body = json!({
        "error": "the webhook secret header was missing or not accepted; the portal's \
                  operator can see why in its log"
    });
    (StatusCode::UNAUTHORIZED, Json(body)).into_response()
}

/// The delivery is not stored; why is in the log, for the operator.
fn not_stored() -> Response {
    let body =
        json!({ "error": "the delivery could not be stored; the portal's operator has been told" });
    (StatusCode::SERVICE_UNAVAILABLE, Json(body)).into_response()
}
