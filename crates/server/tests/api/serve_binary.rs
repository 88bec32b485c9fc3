//! `partner-portal serve` as an operator runs it: the real binary in its own process.

use std::process::Command;

use portal_core::{OwnRef, PartnerId, Reference};
use portal_store::Store;
use serde_json::{Value, json};

use crate::helpers::{PROVIDER, cli_with_input, fresh_database};
use crate::process::{Server, last_line, run_cli};

#[tokio::test]
async fn on_first_start_it_says_how_to_make_the_admin_and_the_secret() {
    let (_dir, database_url) = fresh_database();

    let server = Server::start(&database_url);

    let setup = server.log_until(|message| message.contains("secret create"));
    let warnings: Vec<&str> = setup
        .iter()
        .filter(|line| line["level"] == "WARN")
        .map(|line| line["message"].as_str().unwrap())
        .collect();
    assert!(
        warnings.iter().any(|w| w.contains("not https")),
        "{warnings:?}"
    );
    let admin = warnings
        .iter()
        .find(|w| w.contains("no admin account"))
        .unwrap();
    assert!(
        admin.ends_with("user add you@example.com --role admin"),
        "{admin}"
    );
    let ready = reqwest::get(server.url("/readyz")).await.unwrap();
    assert_eq!(ready.status(), 200);
}

#[tokio::test]
async fn allowing_unauthenticated_webhooks_is_warned_about_at_start() {
    let (_dir, database_url) = fresh_database();

    let server = Server::start_with(&database_url, &["--allow-unauthenticated-webhooks"]);

    let setup = server.log_until(|message| message.contains("--allow-unauthenticated-webhooks"));
    assert_eq!(setup.last().unwrap()["level"], "WARN");
    let open = server.deliver(None, &json!({})).await;
    assert_eq!(open.status(), 422, "a delivery without a secret is read");
}

/// The README's walk-through, on the real binary: set up with the CLI, book through the
/// API, confirm through the webhook, read the booking back; then a SIGKILL loses nothing.
#[tokio::test]
async fn a_confirmation_answered_200_shows_in_the_api_and_survives_the_process_being_killed() {
    let (_dir, database_url) = fresh_database();
    let password = "correct horse battery staple";
    let admin = cli_with_input(
        &database_url,
        &["user", "add", "admin@example.com", "--role", "admin"],
        password,
    );
    assert!(admin.status.success(), "{admin:?}");
    run_cli(&database_url, &["partner", "add", "acme"]);
    run_cli(&database_url, &["provider", "add", PROVIDER]);
    let secret = last_line(&run_cli(&database_url, &["secret", "create"]));
    let token = last_line(&run_cli(&database_url, &["token", "create", "tests"]));
    let mut server = Server::start(&database_url);
    let client = reqwest::Client::new();

    let booking: Value = client
        .post(server.url("/api/v1/bookings"))
        .bearer_auth(&token)
        .json(&json!({ "care_provider": PROVIDER, "internal_ref": "ORD_7" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let confirmation = json!({
        "SourceSystem": "Kaddio",
        "CareProvider": PROVIDER,
        "AdditionalInfo": booking["reference"],
        "ExternalBookingId": "kaddio-1",
    });
    let delivered = server.deliver(Some(&secret), &confirmation).await;
    assert_eq!(delivered.status(), 200);
    let shown: Value = client
        .get(server.url("/api/v1/bookings/acme_ORD_7"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(shown["status"], "confirmed");
    assert_eq!(shown["kaddio_booking_ids"], json!(["kaddio-1"]));

    server.child.kill().unwrap(); // SIGKILL: no shutdown, no flush.
    server.child.wait().unwrap();

    let store = Store::open(&database_url).await.unwrap();
    let reference = Reference::new(
        PartnerId::parse("acme").unwrap(),
        OwnRef::parse("ORD_7").unwrap(),
    );
    let stored = store.booking(&reference).await.unwrap().unwrap();
    assert_eq!(stored.kaddio_booking_ids, ["kaddio-1"]);
    let logged: Vec<String> = server.log.try_iter().map(|line| line.to_string()).collect();
    let logged = logged.join("\n");
    assert!(logged.contains("webhook delivery stored"), "{logged}");
    assert!(!logged.contains("no admin account"), "{logged}");
    for secret in [&secret, &token, password] {
        assert!(!logged.contains(secret), "a secret was logged: {logged}");
    }
    store.close().await;
}

#[tokio::test]
async fn refused_deliveries_are_counted_in_one_warning_a_minute_without_their_value() {
    let (_dir, database_url) = fresh_database();
    let secret = last_line(&run_cli(&database_url, &["secret", "create"]));
    let server = Server::start(&database_url);
    let guesses = ["ppw_guess-one", "ppw_guess-two", "ppw_guess-three"];

    for guess in guesses {
        let refused = server.deliver(Some(guess), &json!({})).await;
        assert_eq!(refused.status(), 401);
    }
    // A delivery that passes, logged after everything the refused ones logged.
    let accepted = server.deliver(Some(&secret), &json!({})).await;
    assert_eq!(accepted.status(), 422);

    let logged = server.log_until(|message| message == "webhook delivery stored");
    let warnings: Vec<&Value> = logged
        .iter()
        .filter(|line| {
            line["message"]
                .as_str()
                .unwrap()
                .contains("refused with 401")
        })
        .collect();
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    assert_eq!(warnings[0]["refused"], 1);
    assert_eq!(warnings[0]["latest_reason"], "wrong secret value");
    let logged = serde_json::to_string(&logged).unwrap();
    for guess in guesses {
        assert!(
            !logged.contains(guess),
            "a presented value was logged: {logged}"
        );
    }
}

#[tokio::test]
async fn a_revoked_secret_still_sent_after_a_rotation_is_named_in_the_warning() {
    let (_dir, database_url) = fresh_database();
    let old = last_line(&run_cli(&database_url, &["secret", "create"]));
    // The new secret comes in another header, so the old header names no active secret.
    run_cli(
        &database_url,
        &["secret", "create", "--header", "X-Kaddio-Key"],
    );
    run_cli(&database_url, &["secret", "revoke", "1"]);
    let server = Server::start(&database_url);

    let refused = server.deliver(Some(&old), &json!({})).await;

    assert_eq!(refused.status(), 401);
    let logged = server.log_until(|message| message.contains("refused with 401"));
    let warning = logged.last().unwrap();
    assert_eq!(warning["revoked_secret_presented"], 1, "{warning}");
    let reason = warning["latest_reason"].as_str().unwrap();
    assert!(reason.starts_with("a revoked secret"), "{reason}");
}

#[tokio::test]
async fn sigterm_stops_the_server_cleanly() {
    let (_dir, database_url) = fresh_database();
    let mut server = Server::start(&database_url);
    // Answering a request shows the server is past its start, with its signal handlers set.
    let ready = reqwest::get(server.url("/readyz")).await.unwrap();
    assert_eq!(ready.status(), 200);

    let status = Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());

    let exit = server.child.wait().unwrap();
    assert!(exit.success(), "{exit}");
    let logged: Vec<Value> = server.log.iter().collect();
    let messages: Vec<&str> = logged
        .iter()
        .map(|line| line["message"].as_str().unwrap())
        .collect();
    assert!(
        messages.iter().any(|m| m.contains("shutting down")),
        "{messages:?}"
    );
    assert!(
        messages.last().unwrap().starts_with("stopped"),
        "{messages:?}"
    );
}
