//! Requests while another process holds the database's write lock, as the CLI or a
//! `sqlite3` shell may.

use std::time::Duration;

use serde_json::json;
use sqlx::{Connection, SqliteConnection};

use crate::helpers::{PROVIDER, TestApp, confirmation, spawn_app};

/// Longer than the store's busy timeout, so that a single attempt to write would fail.
const LONGER_THAN_BUSY_TIMEOUT: Duration = Duration::from_secs(6);

/// A connection of its own that holds the write lock until it rolls back.
async fn hold_write_lock(app: &TestApp) -> SqliteConnection {
    let mut connection = SqliteConnection::connect(&app.database_url).await.unwrap();
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut connection)
        .await
        .unwrap();
    connection
}

async fn release(mut lock: SqliteConnection) {
    sqlx::query("ROLLBACK").execute(&mut lock).await.unwrap();
    lock.close().await.unwrap();
}

#[tokio::test]
async fn a_delivery_waits_out_a_write_lock_held_past_the_busy_timeout() {
    let app = spawn_app().await;
    let reference = app.book(json!({ "care_provider": PROVIDER })).await;
    let lock = hold_write_lock(&app).await;

    let delivery = reqwest::Client::new()
        .post(app.url("/webhooks/kaddio"))
        .header("X-API-Key", &app.secret)
        .json(&confirmation(&reference, "kaddio-1"))
        .send();
    let delivery = tokio::spawn(delivery);
    // Holding the lock this long is the scenario, not a wait for the server.
    tokio::time::sleep(LONGER_THAN_BUSY_TIMEOUT).await;
    release(lock).await;

    let response = delivery.await.unwrap().unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(app.booking(&reference).await["status"], "confirmed");
}

#[tokio::test]
async fn a_delivery_is_stored_even_when_kaddio_hangs_up_while_it_waits() {
    let app = spawn_app().await;
    let reference = app.book(json!({ "care_provider": PROVIDER })).await;
    let mut changes = app.store.subscribe();
    let lock = hold_write_lock(&app).await;

    let impatient = reqwest::Client::builder()
        .timeout(Duration::from_secs(2))
        .build()
        .unwrap();
    let hung_up = impatient
        .post(app.url("/webhooks/kaddio"))
        .header("X-API-Key", &app.secret)
        .json(&confirmation(&reference, "kaddio-1"))
        .send()
        .await;
    assert!(hung_up.unwrap_err().is_timeout());
    release(lock).await;

    let change = tokio::time::timeout(Duration::from_secs(10), changes.recv())
        .await
        .expect("the delivery was stored after the client left")
        .unwrap();
    assert_eq!(change.reference.to_string(), reference);
    assert_eq!(
        app.booking(&reference).await["kaddio_booking_ids"],
        json!(["kaddio-1"])
    );
}

#[tokio::test]
async fn api_reads_do_not_wait_for_a_write_lock_held_elsewhere() {
    let app = spawn_app().await;
    let lock = hold_write_lock(&app).await;

    // Well under the busy timeout: a read that queued behind the lock would miss it.
    let prompt = reqwest::Client::builder()
        .timeout(Duration::from_secs(2))
        .build()
        .unwrap();
    let listed = prompt
        .get(app.url("/api/v1/bookings"))
        .bearer_auth(&app.token)
        .send()
        .await
        .expect("an answer before the lock is released");

    assert_eq!(listed.status(), 200);
    release(lock).await;
}
