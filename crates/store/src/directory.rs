//! Partner IDs and care providers: what bookings may be made for.

use portal_core::{CareProvider, PartnerId};
use time::OffsetDateTime;

use crate::{Error, Store};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Partner {
    pub id: PartnerId,
    pub created_at: OffsetDateTime,
    pub disabled_at: Option<OffsetDateTime>,
}

impl Partner {
    pub fn is_active(&self) -> bool {
        self.disabled_at.is_none()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CareProviderRecord {
    pub url: CareProvider,
    pub name: Option<String>,
    pub created_at: OffsetDateTime,
    pub disabled_at: Option<OffsetDateTime>,
}

impl CareProviderRecord {
    pub fn is_active(&self) -> bool {
        self.disabled_at.is_none()
    }
}

#[derive(sqlx::FromRow)]
struct PartnerRow {
    partner_id: String,
    created_at: OffsetDateTime,
    disabled_at: Option<OffsetDateTime>,
}

#[derive(sqlx::FromRow)]
struct ProviderRow {
    url: String,
    name: Option<String>,
    created_at: OffsetDateTime,
    disabled_at: Option<OffsetDateTime>,
}

impl TryFrom<PartnerRow> for Partner {
    type Error = Error;

    fn try_from(row: PartnerRow) -> Result<Self, Error> {
        Ok(Self {
            id: PartnerId::parse(&row.partner_id).map_err(Error::corrupt)?,
            created_at: row.created_at,
            disabled_at: row.disabled_at,
        })
    }
}

impl TryFrom<ProviderRow> for CareProviderRecord {
    type Error = Error;

    fn try_from(row: ProviderRow) -> Result<Self, Error> {
        Ok(Self {
            url: CareProvider::parse(&row.url).map_err(Error::corrupt)?,
            name: row.name,
            created_at: row.created_at,
            disabled_at: row.disabled_at,
        })
    }
}

impl Store {
    /// Adds a partner ID; fails with `Conflict` if it exists, active or not.
    pub async fn add_partner(&self, id: &PartnerId) -> Result<Partner, Error> {
        let created_at = portal_core::now();
        let inserted = sqlx::query(
            "INSERT INTO partners (partner_id, created_at) VALUES (?, ?) \
             ON CONFLICT (partner_id) DO NOTHING",
        )
        .bind(id.as_str())
        .bind(created_at)
        .execute(&self.writer)
        .await?;
        if inserted.rows_affected() == 0 {
            return Err(Error::Conflict(format!("partner ID {id} already exists")));
        }
        Ok(Partner {
            id: id.clone(),
            created_at,
            disabled_at: None,
        })
    }

    /// Every partner, active or not, in the order they were added.
    pub async fn partners(&self) -> Result<Vec<Partner>, Error> {
        let rows: Vec<PartnerRow> = sqlx::query_as(
            "SELECT partner_id, created_at, disabled_at FROM partners ORDER BY rowid",
        )
        .fetch_all(&self.reader)
        .await?;
        rows.into_iter().map(Partner::try_from).collect()
    }

    /// Disables or re-enables a partner. A disabled partner gets no new bookings; its
    /// existing bookings are still confirmed by Kaddio's deliveries.
    pub async fn set_partner_active(&self, id: &PartnerId, active: bool) -> Result<(), Error> {
        let updated = sqlx::query(
            "UPDATE partners SET disabled_at = CASE WHEN ? THEN NULL ELSE COALESCE(disabled_at, ?) END \
             WHERE partner_id = ?",
        )
        .bind(active)
        .bind(portal_core::now())
        .bind(id.as_str())
        .execute(&self.writer)
        .await?;
        if updated.rows_affected() == 0 {
            return Err(Error::NotFound(format!("no partner has the ID {id}")));
        }
        Ok(())
    }

    /// Adds a care provider; fails with `Conflict` if it exists, active or not.
    pub async fn add_care_provider(
        &self,
        url: &CareProvider,
        name: Option<&str>,
    ) -> Result<CareProviderRecord, Error> {
        let created_at = portal_core::now();
        let inserted = sqlx::query(
            "INSERT INTO care_providers (url, name, created_at) VALUES (?, ?, ?) \
             ON CONFLICT (url) DO NOTHING",
        )
        .bind(url.as_str())
        .bind(name)
        .bind(created_at)
        .execute(&self.writer)
        .await?;
        if inserted.rows_affected() == 0 {
            return Err(Error::Conflict(format!(
                "care provider {url} already exists"
            )));
        }
        Ok(CareProviderRecord {
            url: url.clone(),
            name: name.map(str::to_owned),
            created_at,
            disabled_at: None,
        })
    }

    /// Every care provider, active or not, by address.
    pub async fn care_providers(&self) -> Result<Vec<CareProviderRecord>, Error> {
        let rows: Vec<ProviderRow> = sqlx::query_as(
            "SELECT url, name, created_at, disabled_at FROM care_providers ORDER BY url",
        )
        .fetch_all(&self.reader)
        .await?;
        rows.into_iter().map(CareProviderRecord::try_from).collect()
    }

    /// Disables or re-enables a care provider for new bookings.
    pub async fn set_care_provider_active(
        &self,
        url: &CareProvider,
        active: bool,
    ) -> Result<(), Error> {
        let updated = sqlx::query(
            "UPDATE care_providers \
             SET disabled_at = CASE WHEN ? THEN NULL ELSE COALESCE(disabled_at, ?) END \
             WHERE url = ?",
        )
        .bind(active)
        .bind(portal_core::now())
        .bind(url.as_str())
        .execute(&self.writer)
        .await?;
        if updated.rows_affected() == 0 {
            return Err(Error::NotFound(format!(
                "no care provider has the address {url}"
            )));
        }
        Ok(())
    }
}
