//! Reading what the webhook stored: the delivery log and the unmatched inbox.

use portal_core::{DeliveryOutcome, PayloadFields};
use time::OffsetDateTime;

use crate::{Error, Page, PageRequest, Store};

/// A delivery that confirmed no booking, waiting for staff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnmatchedDelivery {
    pub id: i64,
    pub delivery_id: i64,
    pub received_at: OffsetDateTime,
    /// The fields as far as they could be read; `None` where they could not.
    pub fields: PayloadFields,
    pub reason: String,
}

/// An entry of the delivery log, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggedDelivery {
    pub id: i64,
    pub received_at: OffsetDateTime,
    pub outcome: DeliveryOutcome,
    pub http_status: u16,
    pub credential_id: Option<i64>,
    pub content_type: Option<String>,
    /// The raw body; `None` when the delivery was refused unread.
    pub body: Option<Vec<u8>>,
    pub booking_id: Option<i64>,
    pub detail: Option<String>,
}

impl Store {
    /// The delivery log, newest first.
    pub async fn deliveries(&self, page: PageRequest) -> Result<Page<LoggedDelivery>, Error> {
        let rows: Vec<DeliveryRow> = sqlx::query_as(
            "SELECT id, received_at, outcome, http_status, credential_id, content_type, body, \
             booking_id, detail FROM deliveries WHERE id < ? ORDER BY id DESC LIMIT ?",
        )
        .bind(page.upper_bound())
        .bind(page.fetch())
        .fetch_all(&self.reader)
        .await?;
        let items = rows
            .into_iter()
            .map(LoggedDelivery::try_from)
            .collect::<Result<_, _>>()?;
        Ok(Page::from_rows(
            items,
            page.limit,
            |item: &LoggedDelivery| item.id,
        ))
    }

    /// The unmatched inbox, newest first.
    pub async fn unmatched(&self, page: PageRequest) -> Result<Page<UnmatchedDelivery>, Error> {
        let rows: Vec<UnmatchedRow> = sqlx::query_as(
            "SELECT id, delivery_id, received_at, additional_info, external_booking_id, \
             care_provider, reason FROM unmatched WHERE id < ? ORDER BY id DESC LIMIT ?",
        )
        .bind(page.upper_bound())
        .bind(page.fetch())
        .fetch_all(&self.reader)
        .await?;
        let items = rows.into_iter().map(UnmatchedDelivery::from).collect();
        Ok(Page::from_rows(
            items,
            page.limit,
            |item: &UnmatchedDelivery| item.id,
        ))
    }
}

#[derive(sqlx::FromRow)]
struct UnmatchedRow {
    id: i64,
    delivery_id: i64,
    received_at: OffsetDateTime,
    additional_info: Option<String>,
    external_booking_id: Option<String>,
    care_provider: Option<String>,
    reason: String,
}

impl From<UnmatchedRow> for UnmatchedDelivery {
    fn from(row: UnmatchedRow) -> Self {
        Self {
            id: row.id,
            delivery_id: row.delivery_id,
            received_at: row.received_at,
            fields: PayloadFields {
                additional_info: row.additional_info,
                external_booking_id: row.external_booking_id,
                care_provider: row.care_provider,
            },
            reason: row.reason,
        }
    }
}

#[derive(sqlx::FromRow)]
struct DeliveryRow {
    id: i64,
    received_at: OffsetDateTime,
    outcome: String,
    http_status: u16,
    credential_id: Option<i64>,
    content_type: Option<String>,
    body: Option<Vec<u8>>,
    booking_id: Option<i64>,
    detail: Option<String>,
}

impl TryFrom<DeliveryRow> for LoggedDelivery {
    type Error = Error;

    fn try_from(row: DeliveryRow) -> Result<Self, Error> {
        Ok(Self {
            id: row.id,
            received_at: row.received_at,
            outcome: row.outcome.parse().map_err(Error::corrupt)?,
            http_status: row.http_status,
            credential_id: row.credential_id,
            content_type: row.content_type,
            body: row.body,
            booking_id: row.booking_id,
            detail: row.detail,
        })
    }
}
