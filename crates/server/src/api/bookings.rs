//! Bookings: make one, read one, cancel one, list them.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use portal_core::{Booking, BookingStatus, CareProvider, OwnRef, PartnerId, Reference};
use portal_store::{NewBooking, Store};
use serde::Deserialize;

use super::ApiError;
use super::auth::ApiClient;
use super::json::{ApiJson, ApiPath, ApiQuery, BookingBody, PageBody};
use super::paging::page_request;

#[derive(Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a JSON object with care_provider and, if wanted, partner_id, internal_ref and label"
)]
pub struct CreateBooking {
    care_provider: String,
    partner_id: Option<String>,
    internal_ref: Option<String>,
    label: Option<String>,
}

impl CreateBooking {
    fn parse(self) -> Result<NewBooking, ApiError> {
        Ok(NewBooking {
            partner: self
                .partner_id
                .as_deref()
                .map(PartnerId::parse)
                .transpose()?,
            care_provider: CareProvider::parse(&self.care_provider)?,
            own_ref: self
                .internal_ref
                .as_deref()
                .map(OwnRef::parse)
                .transpose()?,
            label: Booking::parse_label(self.label.as_deref())?,
        })
    }
}

/// `POST /api/v1/bookings`: makes a pending booking and its link for the end user.
pub async fn create(
    client: ApiClient,
    State(store): State<Store>,
    ApiJson(request): ApiJson<CreateBooking>,
) -> Result<impl IntoResponse, ApiError> {
    let booking = store.create_booking(request.parse()?).await?;
    tracing::info!(reference = %booking.reference, token_id = client.token_id, "booking created");
    let location = format!("/api/v1/bookings/{}", booking.reference);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(BookingBody::from(booking)),
    ))
}

/// `GET /api/v1/bookings/{reference}`.
pub async fn show(
    _: ApiClient,
    State(store): State<Store>,
    ApiPath(reference): ApiPath<String>,
) -> Result<Json<BookingBody>, ApiError> {
    let booking = store.booking(&parse_reference(&reference)?).await?;
    let booking = booking.ok_or_else(|| no_booking(&reference))?;
    Ok(Json(booking.into()))
}

/// `POST /api/v1/bookings/{reference}/cancel`: only a pending booking can be cancelled.
pub async fn cancel(
    _: ApiClient,
    State(store): State<Store>,
    ApiPath(reference): ApiPath<String>,
) -> Result<Json<BookingBody>, ApiError> {
    let booking = store.cancel_booking(&parse_reference(&reference)?).await?;
    tracing::info!(reference = %booking.reference, "booking cancelled");
    Ok(Json(booking.into()))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    status: Option<String>,
    limit: Option<String>,
    cursor: Option<String>,
}

/// `GET /api/v1/bookings?status=&limit=&cursor=`: newest first.
pub async fn list(
    _: ApiClient,
    State(store): State<Store>,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Result<Json<PageBody<BookingBody>>, ApiError> {
    let status = match query.status.as_deref().filter(|status| !status.is_empty()) {
        Some(status) => Some(
            status
                .parse::<BookingStatus>()
                .map_err(|error| ApiError::bad_request(error.to_string()))?,
        ),
        None => None,
    };
    let page = page_request(query.limit.as_deref(), query.cursor.as_deref())?;
    let bookings = store.bookings(status, page).await?;
    Ok(Json(PageBody::from_page(bookings)))
}

/// A reference that does not even parse names no booking: that is a 404, not a 400.
fn parse_reference(reference: &str) -> Result<Reference, ApiError> {
    Reference::parse(reference).map_err(|_| no_booking(reference))
}

fn no_booking(reference: &str) -> ApiError {
    ApiError::not_found(format!("no booking has the reference {reference}"))
}
