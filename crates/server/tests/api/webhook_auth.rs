//! Who may deliver: the header secrets.

use portal_store::CredentialKind;
use serde_json::json;

use crate::helpers::{PROVIDER, confirmation, error_of, spawn_app, spawn_app_with};

#[tokio::test]
async fn missing_secret_header_is_refused_and_nothing_is_stored() {
    let app = spawn_app().await;
    let reference = app.book(json!({ "care_provider": PROVIDER })).await;

    let response = app
        .deliver_with("X-Other", "x", &confirmation(&reference, "k1"))
        .await;

    assert_eq!(response.status(), 401);
    assert!(error_of(response).await.contains("secret"));
    assert_eq!(app.booking(&reference).await["status"], "pending");
    assert!(app.delivery_log().await.is_empty());
    app.assert_still_serving().await;
}

#[tokio::test]
async fn wrong_secret_value_is_refused() {
    let app = spawn_app().await;
    let reference = app.book(json!({ "care_provider": PROVIDER })).await;
    let almost = format!("{}x", app.secret);

    let response = app
        .deliver_with("X-API-Key", &almost, &confirmation(&reference, "k1"))
        .await;

    assert_eq!(response.status(), 401);
    assert_eq!(app.booking(&reference).await["status"], "pending");
    assert!(app.delivery_log().await.is_empty());
    app.assert_still_serving().await;
}

#[tokio::test]
async fn secret_revoked_with_the_cli_while_serving_is_refused_from_the_next_request() {
    let app = spawn_app().await;
    let reference = app.book(json!({ "care_provider": PROVIDER })).await;
    let secrets = app
        .store
        .credentials(CredentialKind::WebhookSecret)
        .await
        .unwrap();
    let accepted = app.deliver(&confirmation(&reference, "k1")).await;
    assert_eq!(accepted.status(), 200);

    let revoked = app.cli(&["secret", "revoke", &secrets[0].id.to_string()]);
    assert!(
        revoked.status.success(),
        "{}",
        String::from_utf8_lossy(&revoked.stderr)
    );

    let refused = app.deliver(&confirmation(&reference, "k2")).await;
    assert_eq!(refused.status(), 401);
    assert_eq!(
        app.booking(&reference).await["kaddio_booking_ids"],
        json!(["k1"])
    );
}

#[tokio::test]
async fn two_active_secrets_both_pass_during_a_rotation() {
    let app = spawn_app().await;
    let reference = app.book(json!({ "care_provider": PROVIDER })).await;
    let created = app.cli(&["secret", "create", "--header", "X-Kaddio-Token"]);
    assert!(created.status.success());
    let stdout = String::from_utf8(created.stdout).unwrap();
    let new_secret = stdout.lines().last().unwrap();

    let old = app.deliver(&confirmation(&reference, "k1")).await;
    // Header names are case-insensitive, as in HTTP.
    let new = app
        .deliver_with(
            "x-kaddio-TOKEN",
            new_secret,
            &confirmation(&reference, "k2"),
        )
        .await;

    assert_eq!(old.status(), 200);
    assert_eq!(new.status(), 200);
    assert_eq!(
        app.booking(&reference).await["kaddio_booking_ids"],
        json!(["k1", "k2"])
    );
    let used: Vec<_> = app
        .delivery_log()
        .await
        .iter()
        .map(|d| d.credential_id)
        .collect();
    assert_ne!(used[0], used[1]);
}

#[tokio::test]
async fn rotating_the_secret_in_the_same_header_refuses_nothing_until_the_old_is_revoked() {
    let app = spawn_app().await;
    let reference = app.book(json!({ "care_provider": PROVIDER })).await;
    let created = app.cli(&["secret", "create"]);
    assert!(created.status.success());
    let stdout = String::from_utf8(created.stdout).unwrap();
    let new_secret = stdout.lines().last().unwrap().to_owned();
    let old_id = app
        .store
        .credentials(CredentialKind::WebhookSecret)
        .await
        .unwrap()[0]
        .id;

    let old = app.deliver(&confirmation(&reference, "k1")).await;
    let new = app
        .deliver_with("X-API-Key", &new_secret, &confirmation(&reference, "k2"))
        .await;
    assert_eq!(old.status(), 200);
    assert_eq!(new.status(), 200);

    assert!(
        app.cli(&["secret", "revoke", &old_id.to_string()])
            .status
            .success()
    );
    let old = app.deliver(&confirmation(&reference, "k3")).await;
    let new = app
        .deliver_with("X-API-Key", &new_secret, &confirmation(&reference, "k4"))
        .await;
    assert_eq!(old.status(), 401);
    assert_eq!(new.status(), 200);
    assert_eq!(
        app.booking(&reference).await["kaddio_booking_ids"],
        json!(["k1", "k2", "k4"])
    );
}

#[tokio::test]
async fn the_secret_used_is_marked_with_the_time_of_use() {
    let app = spawn_app().await;
    app.deliver(&confirmation("acme_NOPE", "k1")).await;

    let secrets = app
        .store
        .credentials(CredentialKind::WebhookSecret)
        .await
        .unwrap();
    assert!(secrets[0].last_used_at.is_some());
}

#[tokio::test]
async fn with_no_active_secret_deliveries_are_refused() {
    let app = spawn_app().await;
    app.store
        .revoke_credential(CredentialKind::WebhookSecret, 1)
        .await
        .unwrap();

    let response = app.deliver(&confirmation("acme_X", "k1")).await;
    let wrong = app
        .deliver_with("X-API-Key", "ppw_guess", &confirmation("acme_X", "k2"))
        .await;

    assert_eq!(response.status(), 401);
    // The caller learns nothing of how the portal is set up.
    assert_eq!(error_of(response).await, error_of(wrong).await);
}

#[tokio::test]
async fn allowing_unauthenticated_deliveries_applies_only_while_no_secret_is_active() {
    let app = spawn_app_with(true).await;
    let reference = app.book(json!({ "care_provider": PROVIDER })).await;

    let while_secret_active = app
        .deliver_with("X-Other", "x", &confirmation(&reference, "k1"))
        .await;
    assert_eq!(while_secret_active.status(), 401);

    app.store
        .revoke_credential(CredentialKind::WebhookSecret, 1)
        .await
        .unwrap();
    let without_secret = app
        .deliver_with("X-Other", "x", &confirmation(&reference, "k1"))
        .await;
    assert_eq!(without_secret.status(), 200);
    assert_eq!(app.delivery_log().await[0].credential_id, None);
}
