//! Bookings: made by staff or the partner's backend, confirmed by Kaddio's deliveries.

use portal_core::{Booking, BookingStatus, CareProvider, Flags, OwnRef, PartnerId, Reference};
use sqlx::SqliteConnection;
use time::OffsetDateTime;

use crate::{BookingChange, Error, Page, PageRequest, Store};

/// A booking to make. What is left out is filled in: the partner when only one is active,
/// the own reference by generating one.
#[derive(Debug, Clone)]
pub struct NewBooking {
    pub partner: Option<PartnerId>,
    pub care_provider: CareProvider,
    pub own_ref: Option<OwnRef>,
    pub label: Option<String>,
}

/// How many fresh references to try before giving up: with 80 random bits, a second try
/// already means something other than chance is wrong.
const GENERATE_ATTEMPTS: usize = 3;

pub(crate) const BOOKING_COLUMNS: &str = "id, partner_id, own_ref, care_provider, label, status, \
     kaddio_booking_ids, second_kaddio_booking, care_provider_mismatch, confirmed_after_cancel, \
     created_at, confirmed_at, cancelled_at";

#[derive(sqlx::FromRow)]
pub(crate) struct BookingRow {
    id: i64,
    partner_id: String,
    own_ref: String,
    care_provider: String,
    label: Option<String>,
    status: String,
    kaddio_booking_ids: String,
    second_kaddio_booking: bool,
    care_provider_mismatch: bool,
    confirmed_after_cancel: bool,
    created_at: OffsetDateTime,
    confirmed_at: Option<OffsetDateTime>,
    cancelled_at: Option<OffsetDateTime>,
}

impl TryFrom<BookingRow> for Booking {
    type Error = Error;

    fn try_from(row: BookingRow) -> Result<Self, Error> {
        let reference = Reference::new(
            PartnerId::parse(&row.partner_id).map_err(Error::corrupt)?,
            OwnRef::parse(&row.own_ref).map_err(Error::corrupt)?,
        );
        Ok(Booking {
            id: row.id,
            reference,
            care_provider: CareProvider::parse(&row.care_provider).map_err(Error::corrupt)?,
            label: row.label,
            status: row.status.parse().map_err(Error::corrupt)?,
            kaddio_booking_ids: serde_json::from_str(&row.kaddio_booking_ids)
                .map_err(Error::corrupt)?,
            flags: Flags {
                second_kaddio_booking: row.second_kaddio_booking,
                care_provider_mismatch: row.care_provider_mismatch,
                confirmed_after_cancel: row.confirmed_after_cancel,
            },
            created_at: row.created_at,
            confirmed_at: row.confirmed_at,
            cancelled_at: row.cancelled_at,
        })
    }
}

impl From<&Booking> for BookingChange {
    fn from(booking: &Booking) -> Self {
        Self {
            booking_id: booking.id,
            reference: booking.reference.clone(),
            status: booking.status,
        }
    }
}

impl Store {
    /// Makes a booking in `pending`, to be confirmed when Kaddio's delivery arrives.
    ///
    /// Fails with `Rejected` when the partner or care provider is unknown or disabled, or
    /// when no partner is named and not exactly one is active; with `Conflict` when the
    /// own reference is taken, naming the booking that has it.
    pub async fn create_booking(&self, new: NewBooking) -> Result<Booking, Error> {
        let mut tx = self.write().await?;
        let partner = resolve_partner(&mut tx, new.partner.as_ref()).await?;
        require_active_provider(&mut tx, &new.care_provider).await?;
        let own_ref = match new.own_ref {
            Some(own_ref) => {
                if let Some(existing) = booking_with_own_ref(&mut tx, &own_ref).await? {
                    return Err(Error::Conflict(format!(
                        "the internal reference {own_ref} is already used by booking {existing}"
                    )));
                }
                own_ref
            }
            None => generate_own_ref(&mut tx).await?,
        };

        let created_at = portal_core::now();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO bookings (partner_id, own_ref, care_provider, label, status, created_at) \
             VALUES (?, ?, ?, ?, 'pending', ?) RETURNING id",
        )
        .bind(partner.as_str())
        .bind(own_ref.as_str())
        .bind(new.care_provider.as_str())
        .bind(new.label.as_deref())
        .bind(created_at)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;

        let booking = Booking {
            id,
            reference: Reference::new(partner, own_ref),
            care_provider: new.care_provider,
            label: new.label,
            status: BookingStatus::Pending,
            kaddio_booking_ids: Vec::new(),
            flags: Flags::default(),
            created_at,
            confirmed_at: None,
            cancelled_at: None,
        };
        self.announce(BookingChange::from(&booking));
        Ok(booking)
    }

    pub async fn booking(&self, reference: &Reference) -> Result<Option<Booking>, Error> {
        let mut conn = self.reader.acquire().await?;
        booking_by_reference(&mut conn, reference).await
    }

    /// Cancels a pending booking. Kaddio is not told: if the end user books anyway, the
    /// confirmation still applies and flags the booking `confirmed_after_cancel`.
    pub async fn cancel_booking(&self, reference: &Reference) -> Result<Booking, Error> {
        let mut tx = self.write().await?;
        let mut booking = booking_by_reference(&mut tx, reference)
            .await?
            .ok_or_else(|| Error::NotFound(format!("no booking has the reference {reference}")))?;
        if booking.status != BookingStatus::Pending {
            return Err(Error::Conflict(format!(
                "booking {reference} is {}; only pending bookings can be cancelled",
                booking.status
            )));
        }

        let cancelled_at = portal_core::now();
        sqlx::query("UPDATE bookings SET status = 'cancelled', cancelled_at = ? WHERE id = ?")
            .bind(cancelled_at)
            .bind(booking.id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;

        booking.status = BookingStatus::Cancelled;
        booking.cancelled_at = Some(cancelled_at);
        self.announce(BookingChange::from(&booking));
        Ok(booking)
    }

    /// Bookings newest first, optionally only those in one status.
    pub async fn bookings(
        &self,
        status: Option<BookingStatus>,
        page: PageRequest,
    ) -> Result<Page<Booking>, Error> {
        let rows: Vec<BookingRow> = sqlx::query_as(&format!(
            "SELECT {BOOKING_COLUMNS} FROM bookings \
             WHERE id < ? AND (? IS NULL OR status = ?) ORDER BY id DESC LIMIT ?"
        ))
        .bind(page.upper_bound())
        .bind(status.map(BookingStatus::as_str))
        .bind(status.map(BookingStatus::as_str))
        .bind(page.fetch())
        .fetch_all(&self.reader)
        .await?;
        let bookings = rows
            .into_iter()
            .map(Booking::try_from)
            .collect::<Result<_, _>>()?;
        Ok(Page::from_rows(
            bookings,
            page.limit,
            |booking: &Booking| booking.id,
        ))
    }
}

/// The partner a new booking is for: the one named, which must be active, or else the only
/// active one.
async fn resolve_partner(
    conn: &mut SqliteConnection,
    named: Option<&PartnerId>,
) -> Result<PartnerId, Error> {
    if let Some(partner) = named {
        let disabled: Option<Option<OffsetDateTime>> =
            sqlx::query_scalar("SELECT disabled_at FROM partners WHERE partner_id = ?")
                .bind(partner.as_str())
                .fetch_optional(&mut *conn)
                .await?;
        return match disabled {
            Some(None) => Ok(partner.clone()),
            Some(Some(_)) => Err(Error::Rejected(format!("partner {partner} is disabled"))),
            None => Err(Error::Rejected(format!(
                "partner {partner} is not configured"
            ))),
        };
    }

    let active: Vec<String> = sqlx::query_scalar(
        "SELECT partner_id FROM partners WHERE disabled_at IS NULL ORDER BY partner_id",
    )
    .fetch_all(&mut *conn)
    .await?;
    match active.as_slice() {
        [only] => PartnerId::parse(only).map_err(Error::corrupt),
        [] => Err(Error::Rejected(
            "no partner is active; an admin adds one with `partner-portal partner add ID`".into(),
        )),
        several => Err(Error::Rejected(format!(
            "name the partner_id: several partners are active ({})",
            several.join(", ")
        ))),
    }
}

async fn require_active_provider(
    conn: &mut SqliteConnection,
    provider: &CareProvider,
) -> Result<(), Error> {
    let disabled: Option<Option<OffsetDateTime>> =
        sqlx::query_scalar("SELECT disabled_at FROM care_providers WHERE url = ?")
            .bind(provider.as_str())
            .fetch_optional(&mut *conn)
            .await?;
    match disabled {
        Some(None) => Ok(()),
        Some(Some(_)) => Err(Error::Rejected(format!(
            "care provider {provider} is disabled"
        ))),
        None => Err(Error::Rejected(format!(
            "care provider {provider} is not configured; an admin adds it with \
             `partner-portal provider add {provider}`"
        ))),
    }
}

async fn generate_own_ref(conn: &mut SqliteConnection) -> Result<OwnRef, Error> {
    for _ in 0..GENERATE_ATTEMPTS {
        let candidate = OwnRef::generate(&mut rand::rng());
        if booking_with_own_ref(conn, &candidate).await?.is_none() {
            return Ok(candidate);
        }
    }
    Err(Error::Conflict(
        "could not generate an unused reference; try again".into(),
    ))
}

/// The reference of the booking that holds `own_ref`, under whichever partner.
async fn booking_with_own_ref(
    conn: &mut SqliteConnection,
    own_ref: &OwnRef,
) -> Result<Option<String>, Error> {
    let partner: Option<String> =
        sqlx::query_scalar("SELECT partner_id FROM bookings WHERE own_ref = ?")
            .bind(own_ref.as_str())
            .fetch_optional(&mut *conn)
            .await?;
    Ok(partner.map(|partner| format!("{partner}_{own_ref}")))
}

pub(crate) async fn booking_by_reference(
    conn: &mut SqliteConnection,
    reference: &Reference,
) -> Result<Option<Booking>, Error> {
    let row: Option<BookingRow> = sqlx::query_as(&format!(
        "SELECT {BOOKING_COLUMNS} FROM bookings WHERE partner_id = ? AND own_ref = ?"
    ))
    .bind(reference.partner.as_str())
    .bind(reference.own.as_str())
    .fetch_optional(&mut *conn)
    .await?;
    row.map(Booking::try_from).transpose()
}

pub(crate) async fn booking_by_own_ref(
    conn: &mut SqliteConnection,
    own_ref: &OwnRef,
) -> Result<Option<Booking>, Error> {
    let row: Option<BookingRow> = sqlx::query_as(&format!(
        "SELECT {BOOKING_COLUMNS} FROM bookings WHERE own_ref = ?"
    ))
    .bind(own_ref.as_str())
    .fetch_optional(&mut *conn)
    .await?;
    row.map(Booking::try_from).transpose()
}
