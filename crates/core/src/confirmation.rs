//! The body Kaddio POSTs when a booking is confirmed:
//!
//! ```json
//! {"SourceSystem": "Kaddio", "CareProvider": "https://example.kaddio.com",
//!  "AdditionalInfo": "acme_7K3QW9PZ2M4TXB8D", "ExternalBookingId": "kaddio_booking_id_xyz"}
//! ```
//!
//! Fields beyond these four are accepted; the store keeps the raw body, so nothing is lost.

use serde_json::{Map, Value};

use crate::CareProvider;

/// A valid confirmation from Kaddio.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirmation {
    pub care_provider: CareProvider,
    /// The booking reference as the end user carried it, prefix included.
    pub additional_info: String,
    /// Kaddio's own ID for the booking.
    pub external_booking_id: String,
}

/// The fields of a delivery as far as they could be read: what the unmatched inbox shows
/// staff so they can find the booking by hand.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PayloadFields {
    pub additional_info: Option<String>,
    pub external_booking_id: Option<String>,
    pub care_provider: Option<String>,
}

/// Why a delivery's body is not a valid confirmation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PayloadError {
    /// Not JSON at all: answered with 400.
    #[error("the body is not valid JSON: {0}")]
    Malformed(String),
    /// JSON, but not a confirmation: answered with 422.
    #[error("{reason}")]
    Invalid {
        reason: String,
        fields: PayloadFields,
    },
}

impl PayloadError {
    /// Whatever fields could be read, for the unmatched inbox.
    pub fn fields(&self) -> PayloadFields {
        match self {
            Self::Malformed(_) => PayloadFields::default(),
            Self::Invalid { fields, .. } => fields.clone(),
        }
    }
}

impl Confirmation {
    pub const SOURCE_SYSTEM: &'static str = "Kaddio";

    pub fn from_json(body: &[u8]) -> Result<Self, PayloadError> {
        let value: Value =
            serde_json::from_slice(body).map_err(|e| PayloadError::Malformed(e.to_string()))?;
        let Value::Object(object) = value else {
            return Err(PayloadError::Invalid {
                reason: "the body must be a JSON object".into(),
                fields: PayloadFields::default(),
            });
        };
        Self::from_object(&object)
    }

    fn from_object(object: &Map<String, Value>) -> Result<Self, PayloadError> {
        let fields = PayloadFields {
            additional_info: text_field(object, "AdditionalInfo"),
            external_booking_id: text_field(object, "ExternalBookingId"),
            care_provider: text_field(object, "CareProvider"),
        };
        let mut problems = Vec::new();

        match object.get("SourceSystem") {
            Some(Value::String(source)) if source == Self::SOURCE_SYSTEM => {}
            Some(other) => problems.push(format!("SourceSystem must be \"Kaddio\", not {other}")),
            None => problems.push("SourceSystem is missing".to_owned()),
        }
        let care_provider = match required(object, "CareProvider") {
            Ok(url) => CareProvider::parse_origin_of(url)
                .map_err(|e| problems.push(format!("CareProvider: {e}")))
                .ok(),
            Err(problem) => {
                problems.push(problem);
                None
            }
        };
        let additional_info = required(object, "AdditionalInfo").map_err(|p| problems.push(p));
        let external_booking_id =
            required(object, "ExternalBookingId").map_err(|p| problems.push(p));

        match (care_provider, additional_info, external_booking_id) {
            (Some(care_provider), Ok(info), Ok(id)) if problems.is_empty() => Ok(Self {
                care_provider,
                additional_info: info.to_owned(),
                external_booking_id: id.to_owned(),
            }),
            _ => Err(PayloadError::Invalid {
                reason: problems.join("; "),
                fields,
            }),
        }
    }

    pub fn fields(&self) -> PayloadFields {
        PayloadFields {
            additional_info: Some(self.additional_info.clone()),
            external_booking_id: Some(self.external_booking_id.clone()),
            care_provider: Some(self.care_provider.to_string()),
        }
    }
}

fn text_field(object: &Map<String, Value>, name: &str) -> Option<String> {
    object.get(name).and_then(Value::as_str).map(str::to_owned)
}

fn required<'a>(object: &'a Map<String, Value>, name: &str) -> Result<&'a str, String> {
    match object.get(name) {
        Some(Value::String(text)) if !text.trim().is_empty() => Ok(text),
        Some(Value::String(_)) => Err(format!("{name} must not be empty")),
        Some(other) => Err(format!("{name} must be a string, not {other}")),
        None => Err(format!("{name} is missing")),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn parse(value: Value) -> Result<Confirmation, PayloadError> {
        Confirmation::from_json(value.to_string().as_bytes())
    }

    fn valid() -> Value {
        json!({
            "SourceSystem": "Kaddio",
            "CareProvider": "https://Example.kaddio.com/",
            "AdditionalInfo": "acme_ORD_7",
            "ExternalBookingId": "k1",
            "SomethingNew": [1, 2],
        })
    }

    #[test]
    fn a_valid_body_parses_and_ignores_unknown_fields() {
        let confirmation = parse(valid()).unwrap();
        assert_eq!(
            confirmation.care_provider.as_str(),
            "https://example.kaddio.com"
        );
        assert_eq!(confirmation.additional_info, "acme_ORD_7");
        assert_eq!(confirmation.external_booking_id, "k1");
    }

    #[test]
    fn broken_json_is_malformed() {
        let error = Confirmation::from_json(b"{\"SourceSystem\":").unwrap_err();
        assert!(matches!(error, PayloadError::Malformed(_)), "{error:?}");
    }

    #[test]
    fn every_problem_is_named_and_readable_fields_are_kept() {
        let mut body = valid();
        body["SourceSystem"] = json!("Other");
        body["ExternalBookingId"] = json!("  ");
        body["CareProvider"] = json!(7);
        let PayloadError::Invalid { reason, fields } = parse(body).unwrap_err() else {
            panic!("expected an invalid payload");
        };
        assert!(reason.contains("SourceSystem"), "{reason}");
        assert!(
            reason.contains("ExternalBookingId must not be empty"),
            "{reason}"
        );
        assert!(reason.contains("CareProvider must be a string"), "{reason}");
        assert_eq!(fields.additional_info.as_deref(), Some("acme_ORD_7"));
        assert_eq!(fields.care_provider, None);
    }

    #[test]
    fn a_missing_field_or_plain_http_provider_is_invalid() {
        let mut missing = valid();
        missing.as_object_mut().unwrap().remove("AdditionalInfo");
        assert!(matches!(parse(missing), Err(PayloadError::Invalid { .. })));

        let mut http = valid();
        http["CareProvider"] = json!("http://example.kaddio.com");
        assert!(matches!(parse(http), Err(PayloadError::Invalid { .. })));
    }

    #[test]
    fn a_json_array_is_invalid_not_malformed() {
        assert!(matches!(
            parse(json!([1])),
            Err(PayloadError::Invalid { .. })
        ));
    }
}
