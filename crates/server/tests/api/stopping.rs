//! What becomes of deliveries when the server stops or the database refuses them, on the
//! real binary.

use std::process::Command;
use std::time::Duration;

use serde_json::{Value, json};
use sqlx::{Connection, SqliteConnection};
use tempfile::TempDir;

use crate::helpers::{PROVIDER, fresh_database};
use crate::process::{Server, last_line, run_cli};

/// A database with partner `acme`, [`PROVIDER`] and a webhook secret: its folder, its URL
/// and the secret.
fn set_up() -> (TempDir, String, String) {
    let (dir, database_url) = fresh_database();
    run_cli(&database_url, &["partner", "add", "acme"]);
    run_cli(&database_url, &["provider", "add", PROVIDER]);
    let secret = last_line(&run_cli(&database_url, &["secret", "create"]));
    (dir, database_url, secret)
}

fn confirmation(kaddio_id: &str) -> Value {
    json!({
        "SourceSystem": "Kaddio",
        "CareProvider": PROVIDER,
        "AdditionalInfo": "acme_NOBODY",
        "ExternalBookingId": kaddio_id,
    })
}

async fn stored_deliveries(database_url: &str) -> i64 {
    let mut connection = SqliteConnection::connect(database_url).await.unwrap();
    sqlx::query_scalar("SELECT count(*) FROM deliveries")
        .fetch_one(&mut connection)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_stop_waits_for_a_delivery_whose_sender_hung_up_to_be_stored() {
    let (_dir, database_url, secret) = set_up();
    let mut server = Server::start(&database_url);
    let mut lock = SqliteConnection::connect(&database_url).await.unwrap();
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut lock)
        .await
        .unwrap();

    let impatient = reqwest::Client::builder()
        .timeout(Duration::from_secs(2))
        .build()
        .unwrap();
    let hung_up = impatient
        .post(server.url("/webhooks/kaddio"))
        .header("X-API-Key", &secret)
        .json(&confirmation("kaddio-1"))
        .send()
        .await;
    assert!(hung_up.unwrap_err().is_timeout());
    let terminate = Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(terminate.success());
    server.log_until(|message| message.contains("shutting down"));
    // Past the busy timeout, so the delivery is between attempts when the server would
    // otherwise close the database.
    tokio::time::sleep(Duration::from_secs(6)).await;
    sqlx::query("ROLLBACK").execute(&mut lock).await.unwrap();

    let exit = server.child.wait().unwrap();
    assert!(exit.success(), "{exit}");
    assert_eq!(stored_deliveries(&database_url).await, 1);
}

#[tokio::test]
async fn a_delivery_the_database_refuses_is_503_with_its_body_in_the_log() {
    let (_dir, database_url, secret) = set_up();
    let server = Server::start(&database_url);
    let mut admin = SqliteConnection::connect(&database_url).await.unwrap();
    // Reads still work; every write of a delivery fails.
    sqlx::query(
        "CREATE TRIGGER refuse BEFORE INSERT ON deliveries \
         BEGIN SELECT RAISE(ABORT, 'the disk is on fire'); END",
    )
    .execute(&mut admin)
    .await
    .unwrap();

    let refused = server
        .deliver(Some(&secret), &confirmation("kaddio-lost"))
        .await;

    assert_eq!(refused.status(), 503);
    let logged = server.log_until(|message| message.contains("could not be stored"));
    let line = logged.last().unwrap();
    assert_eq!(line["level"], "ERROR");
    let body: Value = serde_json::from_str(line["body"].as_str().unwrap()).unwrap();
    assert_eq!(body, confirmation("kaddio-lost"));
    assert!(
        line["error"]
            .as_str()
            .unwrap()
            .contains("the disk is on fire")
    );

    sqlx::query("DROP TRIGGER refuse")
        .execute(&mut admin)
        .await
        .unwrap();
    let accepted = server
        .deliver(Some(&secret), &confirmation("kaddio-2"))
        .await;
    assert_eq!(accepted.status(), 200);
}
