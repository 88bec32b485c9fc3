//! Probes for process supervisors and load balancers.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use portal_store::Store;
use serde_json::json;

const LIVE: &str = "/healthz";
const READY: &str = "/readyz";

pub fn router(store: Store) -> Router {
    Router::new()
        .route(LIVE, get(live))
        .route(READY, get(ready))
        .with_state(store)
}

pub fn is_health_check(route: &str) -> bool {
    route == LIVE || route == READY
}

/// `GET /healthz`: the process is up and answering.
async fn live() -> impl IntoResponse {
    Json(json!({ "status": "ok" }))
}

/// `GET /readyz`: the database answers too, so requests can be served.
async fn ready(State(store): State<Store>) -> impl IntoResponse {
    match store.ping().await {
        Ok(()) => (StatusCode::OK, Json(json!({ "status": "ready" }))),
        Err(error) => {
            tracing::error!(error = %error, "readiness check failed");
            let body = json!({ "error": "the database does not answer" });
            (StatusCode::SERVICE_UNAVAILABLE, Json(body))
        }
    }
}
