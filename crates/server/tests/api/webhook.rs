//! What a confirmation does to bookings.

use portal_core::{DeliveryOutcome, PartnerId};
use serde_json::{Value, json};
use tokio::task::JoinSet;

use crate::helpers::{OTHER_PROVIDER, PROVIDER, TestApp, confirmation, spawn_app};

async fn deliver_ok(app: &TestApp, body: &Value) {
    let response = app.deliver(body).await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.json::<Value>().await.unwrap(),
        json!({ "received": true })
    );
}

#[tokio::test]
async fn confirmation_turns_a_pending_booking_confirmed_with_the_kaddio_id() {
    let app = spawn_app().await;
    let reference = app.book(json!({ "care_provider": PROVIDER })).await;

    deliver_ok(&app, &confirmation(&reference, "kaddio-1")).await;

    let booking = app.booking(&reference).await;
    assert_eq!(booking["status"], "confirmed");
    assert_eq!(booking["kaddio_booking_ids"], json!(["kaddio-1"]));
    assert_eq!(booking["flags"], json!([]));
    assert!(booking["confirmed_at"].is_string());
    let log = app.delivery_log().await;
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].outcome, DeliveryOutcome::Confirmed);
}

#[tokio::test]
async fn duplicate_delivery_changes_nothing_but_is_logged() {
    let app = spawn_app().await;
    let reference = app.book(json!({ "care_provider": PROVIDER })).await;
    deliver_ok(&app, &confirmation(&reference, "kaddio-1")).await;
    let before = app.booking(&reference).await;

    deliver_ok(&app, &confirmation(&reference, "kaddio-1")).await;

    assert_eq!(app.booking(&reference).await, before);
    let outcomes: Vec<_> = app.delivery_log().await.iter().map(|d| d.outcome).collect();
    assert_eq!(
        outcomes,
        [DeliveryOutcome::Confirmed, DeliveryOutcome::Duplicate]
    );
}

#[tokio::test]
async fn second_kaddio_id_is_appended_and_flagged() {
    let app = spawn_app().await;
    let reference = app.book(json!({ "care_provider": PROVIDER })).await;
    deliver_ok(&app, &confirmation(&reference, "kaddio-1")).await;
    let first_confirmed_at = app.booking(&reference).await["confirmed_at"].clone();

    deliver_ok(&app, &confirmation(&reference, "kaddio-2")).await;

    let booking = app.booking(&reference).await;
    assert_eq!(
        booking["kaddio_booking_ids"],
        json!(["kaddio-1", "kaddio-2"])
    );
    assert_eq!(booking["flags"], json!(["second_kaddio_booking"]));
    assert_eq!(booking["confirmed_at"], first_confirmed_at);
}

#[tokio::test]
async fn another_care_provider_is_applied_and_flagged() {
    let app = spawn_app().await;
    let reference = app.book(json!({ "care_provider": PROVIDER })).await;
    let mut body = confirmation(&reference, "kaddio-1");
    body["CareProvider"] = json!(OTHER_PROVIDER);

    deliver_ok(&app, &body).await;

    let booking = app.booking(&reference).await;
    assert_eq!(booking["status"], "confirmed");
    assert_eq!(booking["care_provider"], PROVIDER);
    assert_eq!(booking["flags"], json!(["care_provider_mismatch"]));
}

#[tokio::test]
async fn confirmation_after_cancel_is_applied_and_flagged() {
    let app = spawn_app().await;
    let reference = app.book(json!({ "care_provider": PROVIDER })).await;
    let cancelled = app
        .api_post(&format!("/bookings/{reference}/cancel"), &json!({}))
        .await;
    assert_eq!(cancelled.status(), 200);

    deliver_ok(&app, &confirmation(&reference, "kaddio-1")).await;

    let booking = app.booking(&reference).await;
    assert_eq!(booking["status"], "confirmed");
    assert_eq!(booking["flags"], json!(["confirmed_after_cancel"]));
    assert!(booking["cancelled_at"].is_string());
}

#[tokio::test]
async fn unprefixed_reference_falls_back_to_the_own_reference() {
    let app = spawn_app().await;
    let reference = app
        .book(json!({ "care_provider": PROVIDER, "internal_ref": "ABC123" }))
        .await;
    assert_eq!(reference, "acme_ABC123");

    deliver_ok(&app, &confirmation("ABC123", "kaddio-1")).await;

    assert_eq!(app.booking(&reference).await["status"], "confirmed");
}

#[tokio::test]
async fn foreign_prefix_goes_to_the_unmatched_inbox() {
    let app = spawn_app().await;
    let reference = app
        .book(json!({ "care_provider": PROVIDER, "internal_ref": "ABC123" }))
        .await;

    deliver_ok(&app, &confirmation("othercorp_ABC123", "kaddio-1")).await;

    assert_eq!(app.booking(&reference).await["status"], "pending");
    let unmatched = app.unmatched().await;
    assert_eq!(unmatched.len(), 1);
    assert_eq!(unmatched[0]["additional_info"], "othercorp_ABC123");
    assert_eq!(unmatched[0]["external_booking_id"], "kaddio-1");
    assert_eq!(unmatched[0]["care_provider"], PROVIDER);
    assert!(
        unmatched[0]["reason"]
            .as_str()
            .unwrap()
            .contains("no booking")
    );
    assert_eq!(
        app.delivery_log().await[0].outcome,
        DeliveryOutcome::Unmatched
    );
}

#[tokio::test]
async fn a_configured_prefix_is_never_read_as_another_partners_own_reference() {
    let app = spawn_app().await;
    let beta = PartnerId::parse("beta").unwrap();
    app.store.add_partner(&beta).await.unwrap();
    let reference = app
        .book(json!({ "care_provider": PROVIDER, "partner_id": "beta", "internal_ref": "acme_X" }))
        .await;
    assert_eq!(reference, "beta_acme_X");

    // acme's booking X does not exist; beta's booking is not what acme_X names.
    deliver_ok(&app, &confirmation("acme_X", "kaddio-1")).await;

    assert_eq!(app.booking(&reference).await["status"], "pending");
    assert_eq!(app.unmatched().await[0]["additional_info"], "acme_X");
}

#[tokio::test]
async fn a_care_provider_sent_with_a_path_is_the_same_provider() {
    let app = spawn_app().await;
    let reference = app.book(json!({ "care_provider": PROVIDER })).await;
    let mut body = confirmation(&reference, "kaddio-1");
    body["CareProvider"] = json!(format!("{PROVIDER}/sv/boka"));

    deliver_ok(&app, &body).await;

    let booking = app.booking(&reference).await;
    assert_eq!(booking["status"], "confirmed");
    assert_eq!(booking["flags"], json!([]));
}

#[tokio::test]
async fn concurrent_confirmations_of_one_booking_each_add_their_kaddio_id_once() {
    let app = spawn_app().await;
    let reference = app.book(json!({ "care_provider": PROVIDER })).await;
    let mut ids: Vec<String> = (0..20).map(|n| format!("kaddio-{n:02}")).collect();

    let client = reqwest::Client::new();
    let mut deliveries = JoinSet::new();
    for id in &ids {
        let request = client
            .post(app.url("/webhooks/kaddio"))
            .header("X-API-Key", &app.secret)
            .json(&confirmation(&reference, id));
        deliveries.spawn(request.send());
    }
    while let Some(response) = deliveries.join_next().await {
        assert_eq!(response.unwrap().unwrap().status(), 200);
    }

    let booking = app.booking(&reference).await;
    let mut stored: Vec<String> = serde_json::from_value(booking["kaddio_booking_ids"].clone())
        .expect("a list of Kaddio IDs");
    stored.sort();
    ids.sort();
    assert_eq!(stored, ids);
    assert_eq!(booking["flags"], json!(["second_kaddio_booking"]));
    let log = app.delivery_log().await;
    assert_eq!(log.len(), 20);
    assert!(log.iter().all(|d| d.outcome == DeliveryOutcome::Confirmed));
}

#[tokio::test]
async fn own_reference_containing_underscores_is_matched_whole() {
    let app = spawn_app().await;
    let decoy = app
        .book(json!({ "care_provider": PROVIDER, "internal_ref": "ORD" }))
        .await;
    let reference = app
        .book(json!({ "care_provider": PROVIDER, "internal_ref": "ORD_7" }))
        .await;
    assert_eq!(reference, "acme_ORD_7");

    // Kaddio's sample handler would take "ORD" from this and confirm the wrong booking.
    deliver_ok(&app, &confirmation("acme_ORD_7", "kaddio-1")).await;

    assert_eq!(app.booking(&reference).await["status"], "confirmed");
    assert_eq!(app.booking(&decoy).await["status"], "pending");
}

#[tokio::test]
async fn a_confirmation_is_announced_on_the_change_feed_after_commit() {
    let app = spawn_app().await;
    let reference = app.book(json!({ "care_provider": PROVIDER })).await;
    let mut changes = app.store.subscribe();

    deliver_ok(&app, &confirmation(&reference, "kaddio-1")).await;

    let change = changes.recv().await.unwrap();
    assert_eq!(change.reference.to_string(), reference);
    assert_eq!(change.status.as_str(), "confirmed");
}
