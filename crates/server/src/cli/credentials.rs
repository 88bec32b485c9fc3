use anyhow::{bail, ensure};
use axum::http::HeaderName;
use clap::Subcommand;
use portal_store::{Credential, CredentialKind, Store};
use serde_json::{Value, json};

use super::output::{print_table, rfc3339, when, when_or};

/// Headers that HTTP itself or a proxy sets or rewrites: a secret in one would not arrive.
const RESERVED_HEADERS: [&str; 6] = [
    "host",
    "content-type",
    "content-length",
    "transfer-encoding",
    "connection",
    "te",
];

const MAX_TOKEN_NAME_CHARS: usize = 100;

#[derive(Debug, Subcommand)]
pub enum SecretCommand {
    /// Create a webhook secret. Its value is printed once, alone on the last line: give it to
    /// Kaddio's integration team as the header's value.
    Create {
        /// The header Kaddio sends the value in.
        #[arg(long, default_value = "X-API-Key")]
        header: String,
    },
    /// List webhook secrets (never their values).
    List {
        /// Print a JSON array for scripts.
        #[arg(long)]
        json: bool,
    },
    /// Revoke a webhook secret: deliveries carrying it are refused from the next one on.
    Revoke { id: i64 },
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create an API token. Its value is printed once, alone on the last line.
    Create {
        /// Who or what uses the token, e.g. "booking backend".
        name: String,
    },
    /// List API tokens (never their values).
    List {
        /// Print a JSON array for scripts.
        #[arg(long)]
        json: bool,
    },
    /// Revoke an API token: requests carrying it are refused from the next one on.
    Revoke { id: i64 },
}

impl SecretCommand {
    pub async fn run(self, store: &Store) -> anyhow::Result<()> {
        let kind = CredentialKind::WebhookSecret;
        match self {
            Self::Create { header } => {
                let header = header_name(&header)?;
                let (secret, value) = store.create_credential(kind, &header).await?;
                println!(
                    "created webhook secret {} (fingerprint {})",
                    secret.id, secret.fingerprint
                );
                println!(
                    "Kaddio must send it in every delivery as the header {header}; it is shown only now:"
                );
                println!("{}", value.expose());
            }
            Self::List { json } => list(store, kind, json).await?,
            Self::Revoke { id } => {
                revoke(store, kind, id).await?;
                if store.active_credentials(kind).await?.is_empty() {
                    eprintln!(
                        "warning: no webhook secret is active now; the server refuses every delivery \
                         with 401 unless it runs with --allow-unauthenticated-webhooks"
                    );
                }
            }
        }
        Ok(())
    }
}

impl TokenCommand {
    pub async fn run(self, store: &Store) -> anyhow::Result<()> {
        let kind = CredentialKind::ApiToken;
        match self {
            Self::Create { name } => {
                let name = token_name(&name)?;
                let (token, value) = store.create_credential(kind, &name).await?;
                println!(
                    "created API token {} (fingerprint {}) for {name}",
                    token.id, token.fingerprint
                );
                println!("send it as `Authorization: Bearer <token>`; it is shown only now:");
                println!("{}", value.expose());
            }
            Self::List { json } => list(store, kind, json).await?,
            Self::Revoke { id } => revoke(store, kind, id).await?,
        }
        Ok(())
    }
}

/// A header name as HTTP compares it: case-insensitive, so kept in lower case.
fn header_name(name: &str) -> anyhow::Result<String> {
    let Ok(header) = HeaderName::from_bytes(name.trim().as_bytes()) else {
        bail!("{name:?} is not a valid HTTP header name");
    };
    if RESERVED_HEADERS.contains(&header.as_str()) {
        bail!("{header} is set by HTTP itself and cannot carry a secret; X-API-Key is usual");
    }
    Ok(header.as_str().to_owned())
}

fn token_name(name: &str) -> anyhow::Result<String> {
    let name = name.trim();
    ensure!(
        !name.is_empty() && name.chars().count() <= MAX_TOKEN_NAME_CHARS,
        "the token's name must have 1 to {MAX_TOKEN_NAME_CHARS} characters"
    );
    ensure!(
        !name.chars().any(char::is_control),
        "the token's name must not hold control characters"
    );
    Ok(name.to_owned())
}

async fn list(store: &Store, kind: CredentialKind, as_json: bool) -> anyhow::Result<()> {
    let credentials = store.credentials(kind).await?;
    if as_json {
        let items: Vec<Value> = credentials.iter().map(credential_json).collect();
        println!("{}", serde_json::to_string_pretty(&items)?);
        return Ok(());
    }
    if credentials.is_empty() {
        println!("no {kind} yet");
        return Ok(());
    }
    let label = match kind {
        CredentialKind::WebhookSecret => "HEADER",
        CredentialKind::ApiToken => "NAME",
    };
    let rows: Vec<_> = credentials
        .into_iter()
        .map(|credential| {
            let state = match credential.revoked_at {
                None => "active".to_owned(),
                Some(at) => format!("revoked {}", when(at)),
            };
            [
                credential.id.to_string(),
                credential.label,
                credential.fingerprint,
                when(credential.created_at),
                when_or(credential.last_used_at, "never"),
                state,
            ]
        })
        .collect();
    print_table(
        ["ID", label, "FINGERPRINT", "CREATED", "LAST USED", "STATUS"],
        &rows,
    );
    Ok(())
}

fn credential_json(credential: &Credential) -> Value {
    let mut item = json!({
        "id": credential.id,
        "fingerprint": credential.fingerprint,
        "created_at": rfc3339(credential.created_at),
        "last_used_at": credential.last_used_at.map(rfc3339),
        "active": credential.is_active(),
        "revoked_at": credential.revoked_at.map(rfc3339),
    });
    let label_field = match credential.kind {
        CredentialKind::WebhookSecret => "header",
        CredentialKind::ApiToken => "name",
    };
    item[label_field] = json!(credential.label);
    item
}

async fn revoke(store: &Store, kind: CredentialKind, id: i64) -> anyhow::Result<()> {
    match store.revoke_credential(kind, id).await? {
        (_, true) => println!("revoked {kind} {id}; it is refused from the next request on"),
        (credential, false) => {
            let at = when_or(credential.revoked_at, "before");
            println!("{kind} {id} was already revoked at {at}");
        }
    }
    Ok(())
}
