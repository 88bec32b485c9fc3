use std::io::Write;
use std::net::SocketAddr;
use std::process::{Command, Output, Stdio};

use portal_core::{CareProvider, PartnerId};
use portal_server::serve::{self, ServeConfig};
use portal_store::{CredentialKind, LoggedDelivery, PageRequest, Store};
use reqwest::Response;
use serde_json::{Value, json};
use tempfile::TempDir;
use tokio::net::TcpListener;
use url::Url;

pub const PROVIDER: &str = "https://example.kaddio.com";
pub const OTHER_PROVIDER: &str = "https://other.kaddio.com";

/// A running portal with partner `acme`, the care provider [`PROVIDER`], one webhook secret
/// in `X-API-Key` and one API token.
pub struct TestApp {
    pub address: SocketAddr,
    pub store: Store,
    pub database_url: String,
    pub secret: String,
    pub token: String,
    client: reqwest::Client,
    /// The folder the database lives in, deleted when the test ends.
    _dir: TempDir,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(false).await
}

pub async fn spawn_app_with(allow_unauthenticated_webhooks: bool) -> TestApp {
    let (dir, database_url) = fresh_database();
    let store = Store::open(&database_url).await.expect("the store opens");

    store
        .add_partner(&PartnerId::parse("acme").unwrap())
        .await
        .unwrap();
    store
        .add_care_provider(&CareProvider::parse(PROVIDER).unwrap(), None)
        .await
        .unwrap();
    store
        .add_care_provider(&CareProvider::parse(OTHER_PROVIDER).unwrap(), None)
        .await
        .unwrap();
    let (_, secret) = store
        .create_credential(CredentialKind::WebhookSecret, "x-api-key")
        .await
        .unwrap();
    let (_, token) = store
        .create_credential(CredentialKind::ApiToken, "tests")
        .await
        .unwrap();

    let listener = TcpListener::bind("127.0.0.1:0").await.expect("a free port");
    let address = listener.local_addr().unwrap();
    let config = ServeConfig {
        public_url: Url::parse(&format!("http://{address}")).unwrap(),
        allow_unauthenticated_webhooks,
    };
    tokio::spawn(serve::run(
        store.clone(),
        listener,
        config,
        std::future::pending(),
    ));

    TestApp {
        address,
        store,
        database_url,
        secret: secret.expose().to_owned(),
        token: token.expose().to_owned(),
        client: reqwest::Client::new(),
        _dir: dir,
    }
}

/// A new folder and the URL of a database in it, yet to be created; the folder is deleted
/// when the returned `TempDir` is dropped.
pub fn fresh_database() -> (TempDir, String) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let database_url = format!("sqlite://{}", dir.path().join("portal.db").display());
    (dir, database_url)
}

/// A confirmation as Kaddio sends it.
pub fn confirmation(additional_info: &str, kaddio_id: &str) -> Value {
    json!({
        "SourceSystem": "Kaddio",
        "CareProvider": PROVIDER,
        "AdditionalInfo": additional_info,
        "ExternalBookingId": kaddio_id,
    })
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    /// Delivers a confirmation with the right secret.
    pub async fn deliver(&self, body: &Value) -> Response {
        self.deliver_with("x-api-key", &self.secret, body).await
    }

    pub async fn deliver_with(&self, header: &str, value: &str, body: &Value) -> Response {
        self.client
            .post(self.url("/webhooks/kaddio"))
            .header(header, value)
            .json(body)
            .send()
            .await
            .expect("the webhook answers")
    }

    /// Delivers raw bytes with the right secret and the given content type.
    pub async fn deliver_raw(&self, content_type: Option<&str>, body: Vec<u8>) -> Response {
        let mut request = self
            .client
            .post(self.url("/webhooks/kaddio"))
            .header("X-API-Key", &self.secret)
            .body(body);
        if let Some(content_type) = content_type {
            request = request.header("Content-Type", content_type);
        }
        request.send().await.expect("the webhook answers")
    }

    pub async fn api_get(&self, path: &str) -> Response {
        self.client
            .get(self.url(&format!("/api/v1{path}")))
            .bearer_auth(&self.token)
            .send()
            .await
            .expect("the API answers")
    }

    pub async fn api_post(&self, path: &str, body: &Value) -> Response {
        self.client
            .post(self.url(&format!("/api/v1{path}")))
            .bearer_auth(&self.token)
            .json(body)
            .send()
            .await
            .expect("the API answers")
    }

    /// Makes a booking through the API and returns its reference.
    pub async fn book(&self, body: Value) -> String {
        let response = self.api_post("/bookings", &body).await;
        assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
        let booking: Value = response.json().await.unwrap();
        booking["reference"].as_str().unwrap().to_owned()
    }

    pub async fn booking(&self, reference: &str) -> Value {
        let response = self.api_get(&format!("/bookings/{reference}")).await;
        assert_eq!(response.status(), 200, "{reference}");
        response.json().await.unwrap()
    }

    pub async fn unmatched(&self) -> Vec<Value> {
        let response = self.api_get("/unmatched").await;
        assert_eq!(response.status(), 200);
        let page: Value = response.json().await.unwrap();
        page["items"].as_array().unwrap().clone()
    }

    /// The delivery log, oldest first.
    pub async fn delivery_log(&self) -> Vec<LoggedDelivery> {
        let page = PageRequest {
            limit: 500,
            before: None,
        };
        let mut log = self.store.deliveries(page).await.unwrap().items;
        log.reverse();
        log
    }

    /// A booking made and confirmed after whatever the test did: the server still serves.
    pub async fn assert_still_serving(&self) {
        let reference = self.book(json!({ "care_provider": PROVIDER })).await;
        let response = self.deliver(&confirmation(&reference, "after")).await;
        assert_eq!(response.status(), 200);
        assert_eq!(self.booking(&reference).await["status"], "confirmed");
    }

    /// Runs the real binary against this test's database.
    pub fn cli(&self, args: &[&str]) -> Output {
        cli_command(&self.database_url, args)
            .output()
            .expect("the binary runs")
    }
}

/// The `partner-portal` binary, pointed at a database.
pub fn cli_command(database_url: &str, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_partner-portal"));
    command
        .args(args)
        .env("DATABASE_URL", database_url)
        .env_remove("RUST_LOG")
        .stdin(Stdio::null());
    command
}

/// Runs the binary with `input` on standard input, as a script piping a password would.
pub fn cli_with_input(database_url: &str, args: &[&str], input: &str) -> Output {
    let mut child = cli_command(database_url, args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

pub async fn error_of(response: Response) -> String {
    let body: Value = response.json().await.expect("a JSON error body");
    body["error"].as_str().expect("an error string").to_owned()
}
