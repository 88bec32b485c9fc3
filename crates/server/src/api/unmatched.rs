//! The unmatched inbox: deliveries from Kaddio that confirmed no booking we know.

use axum::Json;
use axum::extract::State;
use portal_store::Store;
use serde::Deserialize;

use super::ApiError;
use super::auth::ApiClient;
use super::json::{ApiQuery, PageBody, UnmatchedBody};
use super::paging::page_request;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    limit: Option<String>,
    cursor: Option<String>,
}

/// `GET /api/v1/unmatched?limit=&cursor=`: newest first.
pub async fn list(
    _: ApiClient,
    State(store): State<Store>,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Result<Json<PageBody<UnmatchedBody>>, ApiError> {
    let page = page_request(query.limit.as_deref(), query.cursor.as_deref())?;
    Ok(Json(PageBody::from_page(store.unmatched(page).await?)))
}
