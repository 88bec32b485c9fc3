//! Whatever an authenticated caller sends, the webhook stores it and answers with a status
//! Kaddio can read: never a server error, never a delivery left out of the log.

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{Map, Value, json};

use crate::helpers::{TestApp, spawn_app};

/// Bodies near a confirmation (its fields, with values of every JSON type) and bodies of
/// any bytes at all.
fn body() -> impl Strategy<Value = Vec<u8>> {
    let value = prop_oneof![
        any::<String>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<bool>().prop_map(Value::from),
        Just(Value::Null),
        Just(json!("Kaddio")),
        Just(json!("https://example.kaddio.com/sv")),
        Just(json!("acme_ORD_7")),
        Just(json!({ "nested": [1, "two"] })),
    ];
    let name = prop::sample::select(vec![
        "SourceSystem",
        "CareProvider",
        "AdditionalInfo",
        "ExternalBookingId",
        "Extra",
    ]);
    let object = prop::collection::btree_map(name, value, 0..6).prop_map(|fields| {
        let object: Map<String, Value> = fields
            .into_iter()
            .map(|(name, value)| (name.to_owned(), value))
            .collect();
        serde_json::to_vec(&object).unwrap()
    });
    prop_oneof![object, prop::collection::vec(any::<u8>(), 0..256)]
}

async fn deliver_and_check(app: &TestApp, body: Vec<u8>) -> Result<(), TestCaseError> {
    let logged_before = app.delivery_log().await.len();

    let response = app
        .deliver_raw(Some("application/json"), body.clone())
        .await;

    let status = response.status().as_u16();
    let answer: Value = response.json().await.expect("a JSON body");
    prop_assert!(matches!(status, 200 | 400 | 422), "{status}: {answer}");
    if status != 200 {
        prop_assert!(answer["error"].is_string(), "{answer}");
    }
    let log = app.delivery_log().await;
    prop_assert_eq!(log.len(), logged_before + 1);
    let stored = log.last().unwrap();
    prop_assert_eq!(stored.http_status, status);
    prop_assert_eq!(stored.body.as_deref(), Some(body.as_slice()));
    if status != 200 {
        let newest_unmatched = app.unmatched().await[0]["delivery_id"].clone();
        prop_assert_eq!(newest_unmatched, json!(stored.id));
    }
    Ok(())
}

#[test]
fn any_body_is_stored_whole_and_answered_200_400_or_422() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let app = runtime.block_on(spawn_app());
    let config = Config {
        // The failing input is printed; nothing is written beside the sources.
        failure_persistence: None,
        ..Config::with_cases(64)
    };
    let mut runner = TestRunner::new(config);

    let result = runner.run(&body(), |body| {
        runtime.block_on(deliver_and_check(&app, body))
    });

    if let Err(error) = result {
        panic!("{error}");
    }
    runtime.block_on(app.assert_still_serving());
}
