use anyhow::{Context, bail};
use clap::Args;
use portal_store::Store;
use tokio::net::TcpListener;
use url::Url;

use crate::serve::{self, ServeConfig};

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address and port to listen on.
    #[arg(long, env = "PORTAL_BIND", default_value = "127.0.0.1:3000")]
    bind: String,

    /// The address people and Kaddio reach the portal at, for the links it prints
    /// [default: http://BIND]. Kaddio requires https: see the README on reverse proxies.
    #[arg(long, env = "PORTAL_PUBLIC_URL")]
    public_url: Option<Url>,

    /// While no webhook secret is active, accept deliveries that carry none. Only for trying
    /// the portal out: anyone who can reach the webhook could then confirm bookings.
    #[arg(long)]
    allow_unauthenticated_webhooks: bool,
}

impl ServeArgs {
    pub async fn run(self, store: &Store) -> anyhow::Result<()> {
        let public_url = self.public_url.map(checked_public_url).transpose()?;
        let listener = TcpListener::bind(&self.bind)
            .await
            .with_context(|| format!("cannot listen on {}", self.bind))?;
        let address = listener.local_addr()?;
        let public_url = match public_url {
            Some(url) => url,
            None => Url::parse(&format!("http://{address}")).context("the bind address")?,
        };
        let config = ServeConfig {
            public_url,
            allow_unauthenticated_webhooks: self.allow_unauthenticated_webhooks,
        };

        tracing::info!(%address, "partner portal listening");
        serve::report_setup(store, &config).await?;
        serve::run(store.clone(), listener, config, serve::shutdown_signal())
            .await
            .context("the server stopped")?;
        tracing::info!("stopped; no delivery is still waiting to be stored");
        Ok(())
    }
}

/// The address the portal is reached at: http(s), with a path only if a proxy serves the
/// portal under one, and nothing that could not stand before `/webhooks/kaddio`.
fn checked_public_url(url: Url) -> anyhow::Result<Url> {
    // Checked first: a URL with a password is not repeated in the messages below.
    if !url.username().is_empty() || url.password().is_some() {
        bail!("the public URL must not hold a user name or password");
    }
    if !matches!(url.scheme(), "https" | "http") {
        bail!("the public URL {url} must start with https:// (or http://)");
    }
    if url.query().is_some() || url.fragment().is_some() {
        bail!("the public URL {url} must not have a query or fragment");
    }
    Ok(url)
}
