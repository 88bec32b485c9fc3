//! Properties of references and of the confirmation rule, over generated values.

use portal_core::{
    Booking, BookingStatus, CareProvider, ConfirmOutcome, Confirmation, Flags, MatchKeys, OwnRef,
    PartnerId, Reference,
};
use proptest::prelude::*;
use rand::SeedableRng;
use rand::rngs::StdRng;
use time::macros::datetime;

const CROCKFORD: &str = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

fn partner_id() -> impl Strategy<Value = String> {
    "[A-Za-z0-9-]{1,64}"
}

/// Own references as partners' backends choose them: `_` included, and often.
fn own_ref() -> impl Strategy<Value = String> {
    "[A-Za-z0-9_-]{1,64}"
}

fn reference() -> impl Strategy<Value = Reference> {
    (partner_id(), own_ref()).prop_map(|(partner, own)| {
        Reference::new(
            PartnerId::parse(&partner).unwrap(),
            OwnRef::parse(&own).unwrap(),
        )
    })
}

fn provider() -> impl Strategy<Value = CareProvider> {
    prop::sample::select(vec!["https://a.kaddio.com", "https://b.kaddio.com"])
        .prop_map(|url| CareProvider::parse(url).unwrap())
}

/// The states a booking is in before its first confirmation.
fn unconfirmed() -> impl Strategy<Value = BookingStatus> {
    prop::sample::select(vec![BookingStatus::Pending, BookingStatus::Cancelled])
}

/// A sequence of confirmations: Kaddio IDs from a small pool, so repeats are common.
fn deliveries() -> impl Strategy<Value = Vec<(String, CareProvider)>> {
    prop::collection::vec(("k[0-4]", provider()), 1..12)
}

fn booking(reference: Reference, care_provider: CareProvider, status: BookingStatus) -> Booking {
    Booking {
        id: 1,
        reference,
        care_provider,
        label: None,
        status,
        kaddio_booking_ids: Vec::new(),
        flags: Flags::default(),
        created_at: datetime!(2026-12-01 10:00 UTC),
        confirmed_at: None,
        cancelled_at: (status == BookingStatus::Cancelled)
            .then_some(datetime!(2026-12-01 11:00 UTC)),
    }
}

proptest! {
    #[test]
    fn generated_own_refs_are_sixteen_crockford_characters_that_parse(seed: u64) {
        let own = OwnRef::generate(&mut StdRng::seed_from_u64(seed));

        prop_assert_eq!(own.as_str().len(), OwnRef::GENERATED_LEN);
        prop_assert!(own.as_str().chars().all(|c| CROCKFORD.contains(c)), "{}", own);
        prop_assert_eq!(OwnRef::parse(own.as_str()), Ok(own));
    }

    #[test]
    fn a_reference_reads_back_as_itself(reference in reference()) {
        prop_assert_eq!(Reference::parse(&reference.to_string()), Ok(reference));
    }

    #[test]
    fn a_prefixed_additional_info_names_exactly_its_partner_and_whole_own_ref(
        reference in reference()
    ) {
        let keys = MatchKeys::from_additional_info(&reference.to_string());

        prop_assert_eq!(keys.prefixed, Some(reference.clone()));
        // Read whole, the same text is an own reference too when short enough to be one; the
        // store tries the prefixed reading first, so a configured partner's booking wins.
        let text = reference.to_string();
        let fits = text.len() <= OwnRef::MAX_LEN;
        prop_assert_eq!(keys.whole.map(|own| own.to_string()), fits.then_some(text));
    }

    #[test]
    fn an_unprefixed_additional_info_is_only_ever_the_whole_own_ref(own in "[A-Za-z0-9-]{1,64}") {
        let keys = MatchKeys::from_additional_info(&own);

        prop_assert_eq!(keys.prefixed, None);
        prop_assert_eq!(keys.whole.map(|o| o.to_string()), Some(own));
    }

    #[test]
    fn text_outside_the_reference_alphabet_matches_nothing(
        text in ".*[^A-Za-z0-9_-].*"
    ) {
        let keys = MatchKeys::from_additional_info(&text);

        prop_assert_eq!(keys, MatchKeys { prefixed: None, whole: None });
    }

    #[test]
    fn confirmations_keep_each_kaddio_id_once_in_order_and_flags_only_rise(
        reference in reference(),
        own_provider in provider(),
        start in unconfirmed(),
        deliveries in deliveries(),
    ) {
        let first_at = datetime!(2026-12-02 09:00 UTC);
        let mut current = booking(reference, own_provider.clone(), start);
        let mut expected_ids: Vec<String> = Vec::new();

        for (minute, (kaddio_id, care_provider)) in deliveries.iter().enumerate() {
            let confirmation = Confirmation {
                care_provider: care_provider.clone(),
                additional_info: current.reference.to_string(),
                external_booking_id: kaddio_id.clone(),
            };
            let at = first_at + time::Duration::minutes(minute as i64);
            match current.confirm(&confirmation, at) {
                ConfirmOutcome::Duplicate => {
                    prop_assert!(expected_ids.contains(kaddio_id));
                }
                ConfirmOutcome::Confirmed(next) => {
                    prop_assert!(!expected_ids.contains(kaddio_id));
                    expected_ids.push(kaddio_id.clone());
                    let before = current.flags;
                    let after = next.flags;
                    prop_assert!(after.second_kaddio_booking >= before.second_kaddio_booking);
                    prop_assert!(after.care_provider_mismatch >= before.care_provider_mismatch);
                    prop_assert!(after.confirmed_after_cancel >= before.confirmed_after_cancel);
                    prop_assert_eq!(next.reference.clone(), current.reference.clone());
                    prop_assert_eq!(next.created_at, current.created_at);
                    current = *next;
                }
            }
            prop_assert_eq!(current.status, BookingStatus::Confirmed);
            prop_assert_eq!(&current.kaddio_booking_ids, &expected_ids);
        }

        // The first confirmation's time stays, whatever came after.
        prop_assert_eq!(current.confirmed_at, Some(first_at));
        prop_assert_eq!(current.flags.second_kaddio_booking, expected_ids.len() > 1);
        // Only a delivery that changed the booking can raise a flag: each ID's first.
        let mut changing = deliveries
            .iter()
            .enumerate()
            .filter(|(i, (id, _))| deliveries[..*i].iter().all(|(earlier, _)| earlier != id));
        let mismatched = changing.any(|(_, (_, provider))| *provider != own_provider);
        prop_assert_eq!(current.flags.care_provider_mismatch, mismatched);
        prop_assert_eq!(current.flags.confirmed_after_cancel, start == BookingStatus::Cancelled);
    }
}
