//! The JSON API for the partner's backend: making, reading, cancelling and listing bookings.

use portal_store::CredentialKind;
use serde_json::{Value, json};

use crate::helpers::{PROVIDER, error_of, spawn_app};

#[tokio::test]
async fn a_new_booking_gets_a_generated_reference_and_the_link_for_the_end_user() {
    let app = spawn_app().await;

    let response = app
        .api_post("/bookings", &json!({ "care_provider": PROVIDER }))
        .await;

    assert_eq!(response.status(), 201);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let booking: Value = response.json().await.unwrap();
    let reference = booking["reference"].as_str().unwrap();
    let own = reference.strip_prefix("acme_").expect("the partner prefix");
    assert_eq!(own.len(), 16);
    assert!(
        own.chars()
            .all(|c| "0123456789ABCDEFGHJKMNPQRSTVWXYZ".contains(c)),
        "{own}"
    );
    assert_eq!(location, format!("/api/v1/bookings/{reference}"));
    assert_eq!(booking["partner_id"], "acme");
    assert_eq!(booking["internal_ref"], own);
    assert_eq!(booking["care_provider"], PROVIDER);
    assert_eq!(
        booking["redirect_url"],
        format!("{PROVIDER}/booking?reference={reference}")
    );
    assert_eq!(booking["status"], "pending");
    assert_eq!(booking["kaddio_booking_ids"], json!([]));
    assert_eq!(booking["flags"], json!([]));
    assert_eq!(booking["label"], Value::Null);
    assert_eq!(booking["confirmed_at"], Value::Null);
    assert!(booking["created_at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(app.booking(reference).await, booking);
}

#[tokio::test]
async fn the_care_provider_is_normalised_and_the_label_trimmed() {
    let app = spawn_app().await;

    let body = json!({ "care_provider": "HTTPS://Example.Kaddio.com:443/", "label": " Anna " });
    let booking: Value = app.api_post("/bookings", &body).await.json().await.unwrap();

    assert_eq!(booking["care_provider"], PROVIDER);
    assert_eq!(booking["label"], "Anna");
}

#[tokio::test]
async fn an_internal_ref_outside_the_allowed_characters_is_refused() {
    let app = spawn_app().await;

    for internal_ref in ["A+B", "", "ÅÄÖ", &"x".repeat(65)] {
        let body = json!({ "care_provider": PROVIDER, "internal_ref": internal_ref });
        let response = app.api_post("/bookings", &body).await;
        assert_eq!(response.status(), 422, "{internal_ref:?}");
        assert!(error_of(response).await.contains("internal reference"));
    }
}

#[tokio::test]
async fn with_several_active_partners_the_partner_must_be_named() {
    let app = spawn_app().await;
    let added = app.cli(&["partner", "add", "globex"]);
    assert!(added.status.success());

    let unnamed = app
        .api_post("/bookings", &json!({ "care_provider": PROVIDER }))
        .await;
    assert_eq!(unnamed.status(), 422);
    assert!(error_of(unnamed).await.contains("partner_id"));

    let named = app
        .book(json!({ "care_provider": PROVIDER, "partner_id": "globex" }))
        .await;
    assert!(named.starts_with("globex_"), "{named}");

    let disabled = app.cli(&["partner", "disable", "globex"]);
    assert!(disabled.status.success());
    let refused = app
        .api_post(
            "/bookings",
            &json!({ "care_provider": PROVIDER, "partner_id": "globex" }),
        )
        .await;
    assert_eq!(refused.status(), 422);
    // With one active partner left, it is the one inferred.
    let inferred = app.book(json!({ "care_provider": PROVIDER })).await;
    assert!(inferred.starts_with("acme_"), "{inferred}");
}

#[tokio::test]
async fn a_duplicate_internal_ref_is_a_conflict_naming_the_existing_reference() {
    let app = spawn_app().await;
    app.book(json!({ "care_provider": PROVIDER, "internal_ref": "ORD-7" }))
        .await;

    let response = app
        .api_post(
            "/bookings",
            &json!({ "care_provider": PROVIDER, "internal_ref": "ORD-7" }),
        )
        .await;

    assert_eq!(response.status(), 409);
    assert!(error_of(response).await.contains("acme_ORD-7"));
}

#[tokio::test]
async fn the_care_provider_must_be_a_configured_active_https_origin() {
    let app = spawn_app().await;
    let disabled = app.cli(&["provider", "disable", "https://other.kaddio.com"]);
    assert!(disabled.status.success());

    for provider in [
        "https://unknown.kaddio.com",
        "https://other.kaddio.com",
        "http://example.kaddio.com",
        "example.kaddio.com",
        "",
    ] {
        let response = app
            .api_post("/bookings", &json!({ "care_provider": provider }))
            .await;
        assert_eq!(response.status(), 422, "{provider:?}");
        assert!(!error_of(response).await.is_empty());
    }
}

#[tokio::test]
async fn bad_request_bodies_get_a_json_error_with_the_right_status() {
    let app = spawn_app().await;
    let post = |content_type: Option<&'static str>, body: &'static str| {
        let mut request = reqwest::Client::new()
            .post(app.url("/api/v1/bookings"))
            .bearer_auth(&app.token)
            .body(body);
        if let Some(content_type) = content_type {
            request = request.header("content-type", content_type);
        }
        request.send()
    };

    let malformed = post(Some("application/json"), "{\"care_provider\":")
        .await
        .unwrap();
    assert_eq!(malformed.status(), 400);
    assert!(
        error_of(malformed)
            .await
            .starts_with("the body is not valid JSON: ")
    );

    let unknown_field = post(
        Some("application/json"),
        r#"{"care_provider":"https://example.kaddio.com","colour":"red"}"#,
    )
    .await
    .unwrap();
    assert_eq!(unknown_field.status(), 422);
    assert!(error_of(unknown_field).await.contains("colour"));

    let missing_field = post(Some("application/json"), "{}").await.unwrap();
    assert_eq!(missing_field.status(), 422);
    assert!(error_of(missing_field).await.contains("care_provider"));

    let not_json = post(Some("text/plain"), "care_provider=x").await.unwrap();
    assert_eq!(not_json.status(), 415);
    assert_eq!(
        error_of(not_json).await,
        "Content-Type must be application/json"
    );

    let too_large = app
        .api_post(
            "/bookings",
            &json!({ "care_provider": PROVIDER, "label": "x".repeat(70_000) }),
        )
        .await;
    assert_eq!(too_large.status(), 413);
    assert_eq!(error_of(too_large).await, "the body is larger than 64 KiB");

    let no_type = post(None, "{}").await.unwrap();
    assert_eq!(no_type.status(), 415);

    // Still serving.
    app.book(json!({ "care_provider": PROVIDER })).await;
}

#[tokio::test]
async fn an_unknown_reference_is_not_found() {
    let app = spawn_app().await;

    for reference in ["acme_NOPE", "no-underscore", "acme_%20"] {
        let response = app.api_get(&format!("/bookings/{reference}")).await;
        assert_eq!(response.status(), 404, "{reference}");
        assert!(error_of(response).await.contains("no booking"));
    }
    let cancel = app.api_post("/bookings/acme_NOPE/cancel", &json!({})).await;
    assert_eq!(cancel.status(), 404);
}

#[tokio::test]
async fn only_a_pending_booking_can_be_cancelled() {
    let app = spawn_app().await;
    let reference = app.book(json!({ "care_provider": PROVIDER })).await;

    let cancelled = app
        .api_post(&format!("/bookings/{reference}/cancel"), &json!({}))
        .await;
    assert_eq!(cancelled.status(), 200);
    let booking: Value = cancelled.json().await.unwrap();
    assert_eq!(booking["status"], "cancelled");
    assert!(booking["cancelled_at"].is_string());

    let again = app
        .api_post(&format!("/bookings/{reference}/cancel"), &json!({}))
        .await;
    assert_eq!(again.status(), 409);
    assert!(error_of(again).await.contains("cancelled"));
}

#[tokio::test]
async fn listing_is_newest_first_filtered_by_status_and_paged_by_cursor() {
    let app = spawn_app().await;
    let mut references = Vec::new();
    for _ in 0..5 {
        references.push(app.book(json!({ "care_provider": PROVIDER })).await);
    }
    app.api_post(&format!("/bookings/{}/cancel", references[1]), &json!({}))
        .await;

    let mut seen = Vec::new();
    let mut cursor = String::new();
    loop {
        let page: Value = app
            .api_get(&format!("/bookings?limit=2&cursor={cursor}"))
            .await
            .json()
            .await
            .unwrap();
        let items = page["items"].as_array().unwrap();
        assert!(items.len() <= 2);
        seen.extend(
            items
                .iter()
                .map(|b| b["reference"].as_str().unwrap().to_owned()),
        );
        match page["next_cursor"].as_str() {
            Some(next) => cursor = next.to_owned(),
            None => break,
        }
    }
    let newest_first: Vec<_> = references.iter().rev().cloned().collect();
    assert_eq!(seen, newest_first);

    let cancelled: Value = app
        .api_get("/bookings?status=cancelled")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(cancelled["items"].as_array().unwrap().len(), 1);
    assert_eq!(cancelled["items"][0]["reference"], json!(references[1]));
    assert_eq!(cancelled["next_cursor"], Value::Null);
}

#[tokio::test]
async fn bad_listing_parameters_are_refused_with_a_reason() {
    let app = spawn_app().await;

    for query in [
        "limit=0",
        "limit=501",
        "limit=many",
        "cursor=42",
        "status=lost",
        "colour=red",
    ] {
        let response = app.api_get(&format!("/bookings?{query}")).await;
        assert_eq!(response.status(), 400, "{query}");
        let error = error_of(response).await;
        let parameter = query.split('=').next().unwrap();
        assert!(
            error.contains(parameter) || error.contains("lost") || error.contains("colour"),
            "{query}: {error}"
        );
    }
    for query in ["limit=0", "status=pending"] {
        let unmatched = app.api_get(&format!("/unmatched?{query}")).await;
        assert_eq!(unmatched.status(), 400, "{query}");
    }
}

#[tokio::test]
async fn requests_without_a_valid_token_are_unauthorized() {
    let app = spawn_app().await;
    let client = reqwest::Client::new();
    let url = app.url("/api/v1/bookings");

    let missing = client.get(&url).send().await.unwrap();
    assert_eq!(missing.status(), 401);
    assert_eq!(missing.headers()["www-authenticate"], "Bearer");
    assert!(error_of(missing).await.contains("token"));

    let wrong = client
        .get(&url)
        .bearer_auth("ppt_nottherightone")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);

    let basic = client
        .get(&url)
        .basic_auth("admin", Some(&app.token))
        .send()
        .await
        .unwrap();
    assert_eq!(basic.status(), 401);

    let creating = client
        .post(&url)
        .json(&json!({ "care_provider": PROVIDER }))
        .send();
    assert_eq!(creating.await.unwrap().status(), 401);
    let listed: Value = app.api_get("/bookings").await.json().await.unwrap();
    assert_eq!(
        listed["items"],
        json!([]),
        "an unauthorized request made a booking"
    );
}

#[tokio::test]
async fn a_token_revoked_with_the_cli_while_serving_is_refused_from_the_next_request() {
    let app = spawn_app().await;
    assert_eq!(app.api_get("/bookings").await.status(), 200);

    let tokens = app
        .store
        .credentials(CredentialKind::ApiToken)
        .await
        .unwrap();
    let revoked = app.cli(&["token", "revoke", &tokens[0].id.to_string()]);
    assert!(
        revoked.status.success(),
        "{}",
        String::from_utf8_lossy(&revoked.stderr)
    );

    assert_eq!(app.api_get("/bookings").await.status(), 401);
}

#[tokio::test]
async fn a_token_created_with_the_cli_while_serving_works_at_once() {
    let app = spawn_app().await;

    let created = app.cli(&["token", "create", "booking backend"]);
    assert!(created.status.success());
    let stdout = String::from_utf8(created.stdout).unwrap();
    let token = stdout.lines().last().unwrap();

    let response = reqwest::Client::new()
        .get(app.url("/api/v1/bookings"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}
