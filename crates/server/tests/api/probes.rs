//! Health probes and the answers for paths and methods that do not exist.

use serde_json::Value;

use crate::helpers::{error_of, spawn_app};

#[tokio::test]
async fn health_and_readiness_answer_and_carry_a_request_id() {
    let app = spawn_app().await;
    let client = reqwest::Client::new();

    let live = client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(live.status(), 200);
    assert!(live.headers().contains_key("x-request-id"));

    let ready = client.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(ready.status(), 200);
    assert_eq!(ready.json::<Value>().await.unwrap()["status"], "ready");
}

#[tokio::test]
async fn readiness_fails_once_the_database_is_gone() {
    let app = spawn_app().await;
    app.store.close().await;

    let ready = reqwest::get(app.url("/readyz")).await.unwrap();

    assert_eq!(ready.status(), 503);
    assert!(error_of(ready).await.contains("database"));
    let live = reqwest::get(app.url("/healthz")).await.unwrap();
    assert_eq!(live.status(), 200);
}

#[tokio::test]
async fn unknown_paths_and_methods_get_json_errors() {
    let app = spawn_app().await;
    let client = reqwest::Client::new();

    let missing = client.get(app.url("/nowhere")).send().await.unwrap();
    assert_eq!(missing.status(), 404);
    assert!(error_of(missing).await.contains("/nowhere"));

    let wrong_method = client
        .delete(app.url("/api/v1/bookings"))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_method.status(), 405);
    assert!(!error_of(wrong_method).await.is_empty());
}

#[tokio::test]
async fn a_request_id_sent_by_a_proxy_is_kept() {
    let app = spawn_app().await;

    let response = reqwest::Client::new()
        .get(app.url("/healthz"))
        .header("x-request-id", "proxy-42")
        .send()
        .await
        .unwrap();

    assert_eq!(response.headers()["x-request-id"], "proxy-42");
}

#[tokio::test]
async fn a_request_id_too_long_or_odd_to_log_is_replaced() {
    let app = spawn_app().await;

    for unusable in ["x".repeat(129), "two words".to_owned()] {
        let response = reqwest::Client::new()
            .get(app.url("/healthz"))
            .header("x-request-id", &unusable)
            .send()
            .await
            .unwrap();

        let id = response.headers()["x-request-id"].to_str().unwrap();
        assert_eq!(id.len(), 16, "{id}");
        assert!(id.chars().all(|c| c.is_ascii_hexdigit()), "{id}");
    }
}
