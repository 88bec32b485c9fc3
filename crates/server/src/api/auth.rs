use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use portal_store::Store;

use super::ApiError;

/// A request that carried an active API token. Taking it as an argument is what makes a
/// handler require one.
#[derive(Debug, Clone, Copy)]
pub struct ApiClient {
    pub token_id: i64,
}

impl FromRequestParts<Store> for ApiClient {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, store: &Store) -> Result<Self, ApiError> {
        let presented = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(bearer_token)
            .ok_or(ApiError::Unauthorized)?;
        let token_id = store
            .authenticate_token(presented)
            .await?
            .ok_or(ApiError::Unauthorized)?;
        tracing::debug!(token_id, "API token accepted");
        Ok(Self { token_id })
    }
}

/// The token of `Bearer <token>`; the scheme is case-insensitive, as HTTP says.
fn bearer_token(value: &str) -> Option<&str> {
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

#[cfg(test)]
mod tests {
    use super::bearer_token;

    #[test]
    fn bearer_scheme_is_case_insensitive_and_other_schemes_are_not_tokens() {
        assert_eq!(bearer_token("Bearer ppt_abc"), Some("ppt_abc"));
        assert_eq!(bearer_token("bearer  ppt_abc "), Some("ppt_abc"));
        assert_eq!(bearer_token("Basic ppt_abc"), None);
        assert_eq!(bearer_token("Bearer "), None);
        assert_eq!(bearer_token("ppt_abc"), None);
    }
}
