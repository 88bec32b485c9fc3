//! Kaddio's webhook: `POST /webhooks/kaddio`, where Kaddio reports confirmed bookings.
//!
//! Kaddio sends each confirmation once, with no retry and no signature, and the booking
//! stands at Kaddio whether or not we accept it. So every authenticated delivery is stored
//! before it is answered, whatever its shape, and only a stored delivery is answered 200.
//!
//! ```sh
//! curl -i http://127.0.0.1:3000/webhooks/kaddio -H 'Content-Type: application/json' \
//!   -H "X-API-Key: $SECRET" -d '{"SourceSystem":"Kaddio", "CareProvider":
//!   "https://example.kaddio.com", "AdditionalInfo":"acme_ORD_7", "ExternalBookingId":"k1"}'
//! ```

mod auth;
mod body;
mod receive;

use std::sync::Arc;

use axum::Router;
use axum::routing::post;
use portal_store::Store;
use tokio_util::task::TaskTracker;

use auth::RejectionCounter;

/// The largest body accepted; Kaddio's confirmations are a few hundred bytes.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

pub const PATH: &str = "/webhooks/kaddio";

#[derive(Clone)]
pub struct WebhookState {
    store: Store,
    allow_unauthenticated: bool,
    rejections: Arc<RejectionCounter>,
    /// Deliveries being stored, which may outlive their requests.
    storing: TaskTracker,
}

impl WebhookState {
    /// `allow_unauthenticated` accepts deliveries without a secret header while no webhook
    /// secret is active; once one is, every delivery must carry it.
    pub fn new(store: Store, allow_unauthenticated: bool) -> Self {
        Self {
            store,
            allow_unauthenticated,
            rejections: Arc::default(),
            storing: TaskTracker::new(),
        }
    }

    /// Waits until every delivery received has been stored (or found unstorable and
    /// logged), including those whose sender hung up. Call it once the server accepts no
    /// more requests, before the store is closed.
    pub async fn finish_storing(&self) {
        self.storing.close();
        self.storing.wait().await;
    }
}

pub fn router(state: WebhookState) -> Router {
    Router::new()
        .route(PATH, post(receive::receive))
        .with_state(state)
}
