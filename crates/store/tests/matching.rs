//! The matching rule against a real database: for generated partners, bookings and
//! `AdditionalInfo` values, a confirmation confirms exactly the booking a simple model of
//! the rule names, and no other.

use std::collections::BTreeSet;

use portal_core::{
    BookingStatus, CareProvider, Confirmation, DeliveryOutcome, OwnRef, PartnerId, Reference,
};
use portal_store::{Delivery, NewBooking, Received, Store};
use proptest::prelude::*;

const PROVIDER: &str = "https://example.kaddio.com";

/// The rule, stated over plain strings: a configured partner ID, `_` and a non-empty rest
/// names that partner's booking with the rest as its own reference; any other value names
/// the booking whose own reference it is, whichever partner's.
fn model(
    partners: &[String],
    bookings: &[(String, String)],
    additional_info: &str,
) -> Option<String> {
    let find = |partner: Option<&str>, own: &str| {
        bookings
            .iter()
            .find(|(p, o)| o == own && partner.is_none_or(|partner| partner == p))
            .map(|(p, o)| format!("{p}_{o}"))
    };
    match additional_info.split_once('_') {
        Some((partner, own)) if !own.is_empty() && partners.iter().any(|p| p == partner) => {
            find(Some(partner), own)
        }
        _ => find(None, additional_info),
    }
}

/// What a delivery's `AdditionalInfo` holds: often exactly a booking's reference or own
/// reference, so that matches are common, and otherwise anything near them.
#[derive(Debug, Clone)]
enum Info {
    ReferenceOf(prop::sample::Index),
    OwnRefOf(prop::sample::Index),
    Other(String),
}

impl Info {
    fn text(&self, bookings: &[(String, String)]) -> String {
        let pick = |index: &prop::sample::Index| {
            (!bookings.is_empty()).then(|| &bookings[index.index(bookings.len())])
        };
        match self {
            Self::ReferenceOf(index) => pick(index).map(|(p, o)| format!("{p}_{o}")),
            Self::OwnRefOf(index) => pick(index).map(|(_, o)| o.clone()),
            Self::Other(text) => Some(text.clone()),
        }
        .unwrap_or_else(|| "a_a".to_owned())
    }
}

/// Tiny alphabets, so prefixes, underscores and near-misses collide often.
fn scenario() -> impl Strategy<Value = (Vec<String>, Vec<(String, String)>, Vec<Info>)> {
    let partners = prop::collection::btree_set("[ab]{1,2}", 1..4);
    partners.prop_flat_map(|partners| {
        let partners: Vec<String> = partners.into_iter().collect();
        let booking = (prop::sample::select(partners.clone()), "[ab_]{1,5}");
        let bookings = prop::collection::vec(booking, 0..8);
        let info = prop_oneof![
            any::<prop::sample::Index>().prop_map(Info::ReferenceOf),
            any::<prop::sample::Index>().prop_map(Info::OwnRefOf),
            "[ab_]{1,7}".prop_map(Info::Other),
        ];
        (Just(partners), bookings, prop::collection::vec(info, 1..6))
    })
}

async fn check(partners: Vec<String>, bookings: Vec<(String, String)>, infos: Vec<Info>) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&format!("sqlite://{}", dir.path().join("m.db").display()))
        .await
        .unwrap();
    for partner in &partners {
        store
            .add_partner(&PartnerId::parse(partner).unwrap())
            .await
            .unwrap();
    }
    let provider = CareProvider::parse(PROVIDER).unwrap();
    store.add_care_provider(&provider, None).await.unwrap();

    // Own references are unique across partners: later duplicates are not made.
    let mut seen = BTreeSet::new();
    let bookings: Vec<_> = bookings
        .into_iter()
        .filter(|(_, own)| seen.insert(own.clone()))
        .collect();
    for (partner, own) in &bookings {
        let new = NewBooking {
            partner: Some(PartnerId::parse(partner).unwrap()),
            care_provider: provider.clone(),
            own_ref: Some(OwnRef::parse(own).unwrap()),
            label: None,
        };
        store.create_booking(new).await.unwrap();
    }

    let infos: Vec<String> = infos.iter().map(|info| info.text(&bookings)).collect();
    for (n, info) in infos.iter().enumerate() {
        let confirmation = Confirmation {
            care_provider: provider.clone(),
            additional_info: info.clone(),
            external_booking_id: format!("k{n}"),
        };
        let delivery = Delivery {
            received_at: portal_core::now(),
            credential_id: None,
            content_type: Some("application/json".into()),
            received: Received::Confirmation {
                body: b"{}".to_vec(),
                confirmation,
            },
        };
        let recorded = store.record_delivery(&delivery).await.unwrap();

        let matched = recorded
            .booking
            .map(|booking| booking.reference.to_string());
        assert_eq!(
            matched,
            model(&partners, &bookings, info),
            "AdditionalInfo {info:?} in {bookings:?}"
        );
        let expected_outcome = match matched {
            Some(_) => DeliveryOutcome::Confirmed,
            None => DeliveryOutcome::Unmatched,
        };
        assert_eq!(recorded.outcome, expected_outcome);
    }

    // Exactly the named bookings changed.
    let named: BTreeSet<_> = infos
        .iter()
        .filter_map(|info| model(&partners, &bookings, info))
        .collect();
    for (partner, own) in &bookings {
        let reference = Reference::new(
            PartnerId::parse(partner).unwrap(),
            OwnRef::parse(own).unwrap(),
        );
        let booking = store.booking(&reference).await.unwrap().unwrap();
        let confirmed = booking.status == BookingStatus::Confirmed;
        assert_eq!(
            confirmed,
            named.contains(&reference.to_string()),
            "{reference}"
        );
    }
    store.close().await;
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn a_confirmation_confirms_exactly_the_booking_its_reference_names(
        (partners, bookings, infos) in scenario()
    ) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(check(partners, bookings, infos));
    }
}
