//! The JSON API under `/api/v1`, for the partner's own backend. Every request carries
//! `Authorization: Bearer <token>`, a token made with `partner-portal token create`.

mod auth;
mod bookings;
mod error;
mod json;
mod paging;
mod unmatched;

use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use portal_store::Store;
use tower_http::timeout::RequestBodyTimeoutLayer;

pub use error::ApiError;

/// Request bodies are small JSON objects; anything larger is a mistake or an attack.
pub(crate) const MAX_BODY_BYTES: usize = 64 * 1024;

/// How long a request body may go without sending anything before it is cut off.
const BODY_IDLE_TIMEOUT: Duration = Duration::from_secs(30);

pub fn router(store: Store) -> Router {
    Router::new()
        .route("/bookings", post(bookings::create).get(bookings::list))
        .route("/bookings/{reference}", get(bookings::show))
        .route("/bookings/{reference}/cancel", post(bookings::cancel))
        .route("/unmatched", get(unmatched::list))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(RequestBodyTimeoutLayer::new(BODY_IDLE_TIMEOUT))
        .with_state(store)
}
