use clap::Subcommand;
use portal_core::{CareProvider, PartnerId};
use portal_store::Store;

use super::output::{print_table, status, when};

#[derive(Debug, Subcommand)]
pub enum PartnerCommand {
    /// Add a partner ID as Kaddio assigned it (letters, digits and '-').
    Add { partner_id: String },
    /// List every partner ID.
    List,
    /// Make no new bookings for a partner; its existing bookings are still confirmed.
    Disable { partner_id: String },
    /// Make bookings for a disabled partner again.
    Enable { partner_id: String },
}

#[derive(Debug, Subcommand)]
pub enum ProviderCommand {
    /// Add a care provider by its Kaddio address, e.g. https://example.kaddio.com.
    Add {
        url: String,
        /// A name for people, e.g. "Example Clinic".
        #[arg(long)]
        name: Option<String>,
    },
    /// List every care provider.
    List,
    /// Make no new bookings with a care provider.
    Disable { url: String },
    /// Make bookings with a disabled care provider again.
    Enable { url: String },
}

impl PartnerCommand {
    pub async fn run(self, store: &Store) -> anyhow::Result<()> {
        match self {
            Self::Add { partner_id } => {
                let partner = store.add_partner(&PartnerId::parse(&partner_id)?).await?;
                println!(
                    "added partner {}; its references look like {}_7K3QW9PZ2M4TXB8D",
                    partner.id, partner.id
                );
            }
            Self::List => {
                let rows: Vec<_> = store
                    .partners()
                    .await?
                    .into_iter()
                    .map(|partner| {
                        [
                            partner.id.to_string(),
                            status(partner.is_active()),
                            when(partner.created_at),
                        ]
                    })
                    .collect();
                if rows.is_empty() {
                    println!(
                        "no partners yet; add the ID Kaddio gave you with: partner-portal partner add ID"
                    );
                } else {
                    print_table(["PARTNER", "STATUS", "CREATED"], &rows);
                }
            }
            Self::Disable { partner_id } => {
                let id = PartnerId::parse(&partner_id)?;
                store.set_partner_active(&id, false).await?;
                println!("disabled partner {id}");
            }
            Self::Enable { partner_id } => {
                let id = PartnerId::parse(&partner_id)?;
                store.set_partner_active(&id, true).await?;
                println!("enabled partner {id}");
            }
        }
        Ok(())
    }
}

impl ProviderCommand {
    pub async fn run(self, store: &Store) -> anyhow::Result<()> {
        match self {
            Self::Add { url, name } => {
                let name = name
                    .map(|name| name.trim().to_owned())
                    .filter(|name| !name.is_empty());
                let provider = store
                    .add_care_provider(&CareProvider::parse(&url)?, name.as_deref())
                    .await?;
                println!("added care provider {}", provider.url);
            }
            Self::List => {
                let rows: Vec<_> = store
                    .care_providers()
                    .await?
                    .into_iter()
                    .map(|provider| {
                        let active = provider.is_active();
                        [
                            provider.url.to_string(),
                            provider.name.unwrap_or_default(),
                            status(active),
                            when(provider.created_at),
                        ]
                    })
                    .collect();
                if rows.is_empty() {
                    println!(
                        "no care providers yet; add one with: partner-portal provider add https://NAME.kaddio.com"
                    );
                } else {
                    print_table(["URL", "NAME", "STATUS", "CREATED"], &rows);
                }
            }
            Self::Disable { url } => {
                let url = CareProvider::parse(&url)?;
                store.set_care_provider_active(&url, false).await?;
                println!("disabled care provider {url}");
            }
            Self::Enable { url } => {
                let url = CareProvider::parse(&url)?;
                store.set_care_provider_active(&url, true).await?;
                println!("enabled care provider {url}");
            }
        }
        Ok(())
    }
}
