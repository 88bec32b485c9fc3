//! Running the server: from a bound listener until a shutdown future completes, so tests
//! run exactly what production runs, on port 0.

use std::future::Future;
use std::io;

use portal_store::{CareProviderRecord, CredentialKind, Partner, Store};
use portal_webhook::WebhookState;
use tokio::net::TcpListener;
use url::Url;

use crate::app;

#[derive(Debug, Clone)]
pub struct ServeConfig {
    /// Where people and Kaddio reach the portal; used for the links it prints.
    pub public_url: Url,
    /// Accept webhook deliveries without a secret header while no webhook secret is active.
    pub allow_unauthenticated_webhooks: bool,
}

impl ServeConfig {
    /// The address to give Kaddio's integration team.
    pub fn webhook_url(&self) -> String {
        format!(
            "{}{}",
            self.public_url.as_str().trim_end_matches('/'),
            portal_webhook::PATH
        )
    }
}

/// Serves until `shutdown` completes, then lets requests under way finish and waits for
/// every delivery received to be stored, so that none is lost to a stop.
pub async fn run(
    store: Store,
    listener: TcpListener,
    config: ServeConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    let webhook = WebhookState::new(store.clone(), config.allow_unauthenticated_webhooks);
    let app = app::router(store, webhook.clone());
    let served = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await;
    webhook.finish_storing().await;
    served
}

/// Completes on Ctrl-C or, on Unix, SIGTERM (what service managers send).
pub async fn shutdown_signal() {
    let interrupt = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => {
                terminate.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();

    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
    tracing::info!("shutting down once requests under way are answered");
}

/// Tells the operator, at start, what is still missing for the portal to be of use.
pub async fn report_setup(store: &Store, config: &ServeConfig) -> Result<(), portal_store::Error> {
    tracing::info!(webhook_url = %config.webhook_url(), "give Kaddio's integration team this webhook URL");
    if config.public_url.scheme() != "https" {
        tracing::warn!(
            public_url = %config.public_url,
            "PORTAL_PUBLIC_URL is not https: Kaddio only delivers to https endpoints, so put \
             a TLS-terminating reverse proxy in front and set PORTAL_PUBLIC_URL to its address"
        );
    }

    let program = std::env::current_exe()
        .map(|path| path.display().to_string())
        .unwrap_or_else(|_| "partner-portal".into());
    if store.active_admin_count().await? == 0 {
        tracing::warn!(
            "no admin account yet; create the first one with: {program} user add you@example.com --role admin"
        );
    }
    if !store.partners().await?.iter().any(Partner::is_active) {
        tracing::warn!(
            "no partner ID yet, so no booking can be made; add the one Kaddio gave you with: \
             {program} partner add ID"
        );
    }
    let providers = store.care_providers().await?;
    if !providers.iter().any(CareProviderRecord::is_active) {
        tracing::warn!(
            "no care provider yet, so no booking can be made; add one with: \
             {program} provider add https://NAME.kaddio.com --name NAME"
        );
    }
    let no_secret = store
        .active_credentials(CredentialKind::WebhookSecret)
        .await?
        .is_empty();
    if config.allow_unauthenticated_webhooks {
        tracing::warn!(
            "--allow-unauthenticated-webhooks: whenever no webhook secret is active, anyone who \
             can reach the webhook can confirm bookings"
        );
    } else if no_secret {
        tracing::warn!(
            "no webhook secret is active, so every delivery is refused with 401; create one \
             with: {program} secret create"
        );
    }
    let tokens = store.active_credentials(CredentialKind::ApiToken).await?;
    if tokens.is_empty() {
        tracing::info!(
            "no API token yet; the partner's backend needs one for /api/v1: {program} token create NAME"
        );
    }
    Ok(())
}
