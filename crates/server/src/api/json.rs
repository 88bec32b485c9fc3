//! The API's JSON shapes.

use axum::extract::{FromRequest, FromRequestParts};
use portal_core::Booking;
use portal_store::{Page, UnmatchedDelivery};
use serde::Serialize;
use time::OffsetDateTime;

use super::ApiError;
use super::paging::encode_cursor;

/// `axum::Json`, whose rejections answer in the API's error shape.
#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct ApiJson<T>(pub T);

/// `axum::extract::Query`, likewise.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct ApiQuery<T>(pub T);

/// `axum::extract::Path`, likewise.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct ApiPath<T>(pub T);

#[derive(Serialize)]
pub struct BookingBody {
    reference: String,
    partner_id: String,
    internal_ref: String,
    care_provider: String,
    redirect_url: String,
    status: &'static str,
    kaddio_booking_ids: Vec<String>,
    flags: Vec<&'static str>,
    label: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    confirmed_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    cancelled_at: Option<OffsetDateTime>,
}

impl From<Booking> for BookingBody {
    fn from(booking: Booking) -> Self {
        Self {
            reference: booking.reference.to_string(),
            partner_id: booking.reference.partner.to_string(),
            internal_ref: booking.reference.own.to_string(),
            redirect_url: booking.care_provider.booking_url(&booking.reference),
            care_provider: booking.care_provider.to_string(),
            status: booking.status.as_str(),
            kaddio_booking_ids: booking.kaddio_booking_ids,
            flags: booking.flags.names(),
            label: booking.label,
            created_at: booking.created_at,
            confirmed_at: booking.confirmed_at,
            cancelled_at: booking.cancelled_at,
        }
    }
}

#[derive(Serialize)]
pub struct UnmatchedBody {
    id: i64,
    delivery_id: i64,
    #[serde(with = "time::serde::rfc3339")]
    received_at: OffsetDateTime,
    additional_info: Option<String>,
    external_booking_id: Option<String>,
    care_provider: Option<String>,
    reason: String,
}

impl From<UnmatchedDelivery> for UnmatchedBody {
    fn from(item: UnmatchedDelivery) -> Self {
        Self {
            id: item.id,
            delivery_id: item.delivery_id,
            received_at: item.received_at,
            additional_info: item.fields.additional_info,
            external_booking_id: item.fields.external_booking_id,
            care_provider: item.fields.care_provider,
            reason: item.reason,
        }
    }
}

/// One page of a listing: `{"items": [...], "next_cursor": "…" | null}`.
#[derive(Serialize)]
pub struct PageBody<T> {
    items: Vec<T>,
    next_cursor: Option<String>,
}

impl<T> PageBody<T> {
    pub fn from_page<S>(page: Page<S>) -> Self
    where
        T: From<S>,
    {
        Self {
            items: page.items.into_iter().map(T::from).collect(),
            next_cursor: page.next_cursor.map(encode_cursor),
        }
    }
}
