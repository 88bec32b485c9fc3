//! What the webhook does with bodies that are not valid confirmations. Kaddio does not retry,
//! so whatever can be kept is kept, and the server keeps serving.

use std::time::Duration;

use portal_core::DeliveryOutcome;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::helpers::{PROVIDER, confirmation, error_of, spawn_app};

#[tokio::test]
async fn malformed_json_is_400_and_kept_whole_in_the_unmatched_inbox() {
    let app = spawn_app().await;
    let body = br#"{"AdditionalInfo": "acme_X", "ExternalBookingId": "#.to_vec();

    let response = app
        .deliver_raw(Some("application/json"), body.clone())
        .await;

    assert_eq!(response.status(), 400);
    let answer: Value = response.json().await.unwrap();
    assert!(answer["error"].as_str().unwrap().contains("not valid JSON"));
    assert!(answer["delivery_id"].is_i64());
    let log = app.delivery_log().await;
    assert_eq!(log[0].outcome, DeliveryOutcome::MalformedJson);
    assert_eq!(log[0].http_status, 400);
    assert_eq!(log[0].body.as_deref(), Some(&body[..]));
    let unmatched = app.unmatched().await;
    assert_eq!(unmatched.len(), 1);
    assert_eq!(unmatched[0]["additional_info"], Value::Null);
    assert!(unmatched[0]["reason"].as_str().unwrap().contains("JSON"));
    app.assert_still_serving().await;
}

#[tokio::test]
async fn a_missing_field_is_422_with_the_readable_fields_kept() {
    let app = spawn_app().await;
    let mut body = confirmation("acme_X", "kaddio-1");
    body.as_object_mut().unwrap().remove("CareProvider");

    let response = app.deliver(&body).await;

    assert_eq!(response.status(), 422);
    assert!(error_of(response).await.contains("CareProvider is missing"));
    let unmatched = app.unmatched().await;
    assert_eq!(unmatched[0]["additional_info"], "acme_X");
    assert_eq!(unmatched[0]["external_booking_id"], "kaddio-1");
    assert_eq!(unmatched[0]["care_provider"], Value::Null);
    assert_eq!(
        app.delivery_log().await[0].outcome,
        DeliveryOutcome::InvalidPayload
    );
    app.assert_still_serving().await;
}

#[tokio::test]
async fn invalid_fields_are_422_each_named() {
    let app = spawn_app().await;
    let invalid = [
        ("SourceSystem", json!("Other"), "SourceSystem"),
        (
            "CareProvider",
            json!("http://example.kaddio.com"),
            "CareProvider",
        ),
        ("CareProvider", json!(42), "CareProvider"),
        ("AdditionalInfo", json!(""), "AdditionalInfo"),
        ("ExternalBookingId", json!(null), "ExternalBookingId"),
    ];

    for (field, value, named) in invalid {
        let mut body = confirmation("acme_X", "kaddio-1");
        body[field] = value.clone();
        let response = app.deliver(&body).await;
        assert_eq!(response.status(), 422, "{field} = {value}");
        assert!(
            error_of(response).await.contains(named),
            "{field} = {value}"
        );
    }
    let not_an_object = app.deliver(&json!(["acme_X"])).await;
    assert_eq!(not_an_object.status(), 422);

    assert_eq!(app.unmatched().await.len(), 6);
    app.assert_still_serving().await;
}

#[tokio::test]
async fn unknown_fields_are_accepted_and_kept_in_the_raw_body() {
    let app = spawn_app().await;
    let reference = app.book(json!({ "care_provider": PROVIDER })).await;
    let mut body = confirmation(&reference, "kaddio-1");
    body["StartTime"] = json!("2026-12-24T09:00:00+01:00");

    let response = app.deliver(&body).await;

    assert_eq!(response.status(), 200);
    let stored: Value =
        serde_json::from_slice(app.delivery_log().await[0].body.as_ref().unwrap()).unwrap();
    assert_eq!(stored, body);
}

#[tokio::test]
async fn a_body_over_64_kib_is_413_logged_without_its_body() {
    let app = spawn_app().await;
    let mut body = confirmation("acme_X", "kaddio-1");
    body["Padding"] = json!("x".repeat(64 * 1024));

    let response = app.deliver(&body).await;

    assert_eq!(response.status(), 413);
    assert!(error_of(response).await.contains("64 KiB"));
    let log = app.delivery_log().await;
    assert_eq!(log[0].outcome, DeliveryOutcome::TooLarge);
    assert_eq!(log[0].body, None);
    assert!(app.unmatched().await.is_empty());
    app.assert_still_serving().await;
}

#[tokio::test]
async fn a_body_over_64_kib_without_a_declared_length_is_413_too() {
    let app = spawn_app().await;
    let mut stream = TcpStream::connect(app.address).await.unwrap();
    let head = format!(
        "POST /webhooks/kaddio HTTP/1.1\r\nHost: portal\r\nX-API-Key: {}\r\n\
         Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
        app.secret
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let chunk = format!("400\r\n{}\r\n", " ".repeat(1024));
    for _ in 0..80 {
        // The server may answer and close before the last chunk; that is the point.
        if stream.write_all(chunk.as_bytes()).await.is_err() {
            break;
        }
    }
    let _ = stream.write_all(b"0\r\n\r\n").await;
    let mut answer = Vec::new();
    // What arrived before the server closed the connection is the answer.
    let _ = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer)).await;
    let answer = String::from_utf8_lossy(&answer);

    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert_eq!(
        app.delivery_log().await[0].outcome,
        DeliveryOutcome::TooLarge
    );
    app.assert_still_serving().await;
}

#[tokio::test]
async fn a_body_of_exactly_64_kib_is_accepted() {
    let app = spawn_app().await;
    let reference = app.book(json!({ "care_provider": PROVIDER })).await;
    let mut body = confirmation(&reference, "kaddio-1");
    body["Padding"] = json!("");
    let padding = 64 * 1024 - serde_json::to_vec(&body).unwrap().len();
    body["Padding"] = json!("x".repeat(padding));
    assert_eq!(serde_json::to_vec(&body).unwrap().len(), 64 * 1024);

    let response = app.deliver(&body).await;

    assert_eq!(response.status(), 200);
    assert_eq!(app.booking(&reference).await["status"], "confirmed");
}

#[tokio::test]
async fn a_body_cut_off_by_the_connection_is_kept_as_far_as_it_came() {
    let app = spawn_app().await;
    let partial = r#"{"SourceSystem":"Kaddio","AdditionalInfo":"acme_ORD_7","#;
    let mut stream = TcpStream::connect(app.address).await.unwrap();
    let request = format!(
        "POST /webhooks/kaddio HTTP/1.1\r\nHost: portal\r\nX-API-Key: {}\r\n\
         Content-Type: application/json\r\nContent-Length: 500\r\n\r\n{partial}",
        app.secret
    );
    stream.write_all(request.as_bytes()).await.unwrap();

    // Closing our side ends the body early; the answer can still be read.
    stream.shutdown().await.unwrap();
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer)).await;

    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    let log = app.delivery_log().await;
    assert_eq!(log[0].outcome, DeliveryOutcome::IncompleteBody);
    assert_eq!(log[0].body.as_deref(), Some(partial.as_bytes()));
    let unmatched = app.unmatched().await;
    assert!(
        unmatched[0]["reason"]
            .as_str()
            .unwrap()
            .contains(&format!("after {} bytes", partial.len())),
        "{unmatched:?}"
    );
    app.assert_still_serving().await;
}

#[tokio::test]
async fn a_body_not_declared_as_json_is_415_logged_without_its_body() {
    let app = spawn_app().await;
    let body = serde_json::to_vec(&confirmation("acme_X", "kaddio-1")).unwrap();

    let wrong = app.deliver_raw(Some("text/plain"), body.clone()).await;
    let missing = app.deliver_raw(None, body.clone()).await;

    assert_eq!(wrong.status(), 415);
    assert!(error_of(wrong).await.contains("application/json"));
    assert_eq!(missing.status(), 415);
    let log = app.delivery_log().await;
    assert_eq!(log.len(), 2);
    assert!(
        log.iter()
            .all(|d| d.outcome == DeliveryOutcome::UnsupportedMediaType)
    );
    assert!(log.iter().all(|d| d.body.is_none()));
    assert_eq!(log[0].content_type.as_deref(), Some("text/plain"));
    assert!(app.unmatched().await.is_empty());
    app.assert_still_serving().await;
}

#[tokio::test]
async fn json_with_parameters_in_the_content_type_is_accepted() {
    let app = spawn_app().await;
    let reference = app.book(json!({ "care_provider": PROVIDER })).await;
    let body = serde_json::to_vec(&confirmation(&reference, "kaddio-1")).unwrap();

    let response = app
        .deliver_raw(Some("Application/JSON; charset=utf-8"), body)
        .await;

    assert_eq!(response.status(), 200);
    assert_eq!(app.booking(&reference).await["status"], "confirmed");
}

#[tokio::test]
async fn only_post_is_allowed_and_other_paths_are_json_404s() {
    let app = spawn_app().await;
    let client = reqwest::Client::new();

    let get = client
        .get(app.url("/webhooks/kaddio"))
        .send()
        .await
        .unwrap();
    assert_eq!(get.status(), 405);
    assert!(!error_of(get).await.is_empty());

    let elsewhere = client
        .post(app.url("/webhooks/other"))
        .send()
        .await
        .unwrap();
    assert_eq!(elsewhere.status(), 404);
    assert!(!error_of(elsewhere).await.is_empty());
    app.assert_still_serving().await;
}

#[tokio::test]
async fn a_delivery_that_cannot_be_checked_for_want_of_a_database_is_503_never_200() {
    let app = spawn_app().await;
    app.store.close().await;

    let response = app.deliver(&confirmation("acme_X", "kaddio-1")).await;

    assert_eq!(response.status(), 503);
    assert!(error_of(response).await.contains("could not be stored"));
}
