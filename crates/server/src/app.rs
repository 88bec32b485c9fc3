//! The whole HTTP surface, assembled: webhook, JSON API and health probes.

use std::any::Any;

use axum::http::{Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::{Router, middleware};
use portal_store::Store;
use portal_webhook::WebhookState;
use tower::ServiceBuilder;
use tower_http::ServiceBuilderExt;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::trace::TraceLayer;

use crate::api::{self, ApiError};
use crate::health;
use crate::telemetry::{self, REQUEST_ID_HEADER, RandomRequestId};

pub fn router(store: Store, webhook: WebhookState) -> Router {
    let layers = ServiceBuilder::new()
        .layer(middleware::map_request(telemetry::drop_unusable_request_id))
        .set_request_id(REQUEST_ID_HEADER, RandomRequestId)
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(telemetry::request_span)
                .on_request(())
                .on_response(telemetry::log_response)
                // A failed request is logged once, where it failed, with its cause.
                .on_failure(()),
        )
        .propagate_request_id(REQUEST_ID_HEADER)
        .layer(CatchPanicLayer::custom(panicked));

    Router::new()
        .merge(portal_webhook::router(webhook))
        .nest("/api/v1", api::router(store.clone()))
        .merge(health::router(store))
        .fallback(no_route)
        .method_not_allowed_fallback(wrong_method)
        .layer(layers)
}

async fn no_route(method: Method, uri: Uri) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        format!("there is nothing at {method} {}", uri.path()),
    )
}

async fn wrong_method(method: Method, uri: Uri) -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        format!("{} does not take {method}", uri.path()),
    )
}

/// A panic is a bug: it is logged, and the client gets a generic answer.
fn panicked(payload: Box<dyn Any + Send + 'static>) -> Response {
    let message = payload
        .downcast_ref::<&str>()
        .map(|text| text.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    tracing::error!(panic = %message, "a request handler panicked");
    ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "something went wrong on our side",
    )
    .into_response()
}
