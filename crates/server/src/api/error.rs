use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::MAX_BODY_BYTES;

/// Every failed API request becomes one of these, and this is the one place where it
/// turns into a response: `{"error": "…"}` with a status. Internal failures are logged
/// here, once, and the client sees only a generic sentence.
#[derive(Debug)]
pub enum ApiError {
    /// The client can fix it; the message says how.
    Client { status: StatusCode, message: String },
    /// No valid bearer token.
    Unauthorized,
    /// The store failed for reasons of its own.
    Internal(portal_store::Error),
}

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self::Client {
            status,
            message: message.into(),
        }
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    pub fn unprocessable(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, message)
    }
}

impl From<portal_store::Error> for ApiError {
    fn from(error: portal_store::Error) -> Self {
        use portal_store::Error;
        match error {
            Error::Conflict(message) => Self::new(StatusCode::CONFLICT, message),
            Error::Rejected(message) => Self::unprocessable(message),
            Error::NotFound(message) => Self::not_found(message),
            other => Self::Internal(other),
        }
    }
}

impl From<portal_core::ValidationError> for ApiError {
    fn from(error: portal_core::ValidationError) -> Self {
        Self::unprocessable(error.to_string())
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        let message = match &rejection {
            JsonRejection::JsonDataError(error) => {
                format!("the JSON body does not fit: {}", cause(error))
            }
            JsonRejection::JsonSyntaxError(error) => {
                format!("the body is not valid JSON: {}", cause(error))
            }
            JsonRejection::MissingJsonContentType(_) => {
                "Content-Type must be application/json".to_owned()
            }
            _ if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                format!("the body is larger than {} KiB", MAX_BODY_BYTES / 1024)
            }
            _ => rejection.body_text(),
        };
        Self::new(rejection.status(), message)
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        match &rejection {
            QueryRejection::FailedToDeserializeQueryString(error) => {
                Self::bad_request(format!("the query does not fit: {}", cause(error)))
            }
            _ => Self::bad_request(rejection.body_text()),
        }
    }
}

/// What serde said, without the framework's framing around it.
fn cause(error: &(dyn std::error::Error + 'static)) -> String {
    error.source().unwrap_or(error).to_string()
}

impl From<PathRejection> for ApiError {
    fn from(rejection: PathRejection) -> Self {
        Self::bad_request(rejection.body_text())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match self {
            Self::Client { status, message } => {
                (status, Json(json!({ "error": message }))).into_response()
            }
            Self::Unauthorized => {
                let body = json!({
                    "error": "a valid API token is required: send `Authorization: Bearer <token>`"
                });
                let mut response = (StatusCode::UNAUTHORIZED, Json(body)).into_response();
                response
                    .headers_mut()
                    .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
                response
            }
            Self::Internal(error) => {
                tracing::error!(error = %error, "an API request failed");
                let body = json!({
                    "error": "the portal cannot serve this right now; its operator can find \
                              the cause in the log by this response's x-request-id"
                });
                (StatusCode::SERVICE_UNAVAILABLE, Json(body)).into_response()
            }
        }
    }
}
