use std::fmt;

use url::Url;

use crate::ValidationError;

/// A care provider's Kaddio address, kept as lower-case `https://host` with a port only when
/// it is not 443, so that two spellings of one provider compare equal.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CareProvider(String);

impl CareProvider {
    /// Parses a care provider's address as an admin types it: the origin alone, so that a
    /// path or query, which would be dropped, is refused instead.
    pub fn parse(value: &str) -> Result<Self, ValidationError> {
        let url = parse_https(value)?;
        if !url.username().is_empty() || url.password().is_some() {
            return Err(refusal(value, "must not hold a user name or password"));
        }
        if !matches!(url.path(), "" | "/") || url.query().is_some() || url.fragment().is_some() {
            return Err(refusal(
                value,
                "must be the provider's address alone, with no path or query",
            ));
        }
        Self::from_origin(value, &url)
    }

    /// Reads the care provider Kaddio names in a confirmation: any https URL, reduced to its
    /// origin. Kaddio sends the bare origin, and a confirmation that came with a path is
    /// still the same provider's.
    pub fn parse_origin_of(value: &str) -> Result<Self, ValidationError> {
        Self::from_origin(value, &parse_https(value)?)
    }

    fn from_origin(value: &str, url: &Url) -> Result<Self, ValidationError> {
        let host = url
            .host_str()
            .ok_or_else(|| refusal(value, "has no host"))?;
        let normalized = match url.port() {
            Some(port) => format!("https://{host}:{port}"),
            None => format!("https://{host}"),
        };
        Ok(Self(normalized.to_ascii_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Where the end user books: `{provider}/booking?reference={reference}`.
    pub fn booking_url(&self, reference: &crate::Reference) -> String {
        let query: String = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("reference", &reference.to_string())
            .finish();
        format!("{}/booking?{query}", self.0)
    }
}

fn parse_https(value: &str) -> Result<Url, ValidationError> {
    let url = Url::parse(value.trim()).map_err(|_| refusal(value, "is not a URL"))?;
    if url.scheme() != "https" {
        return Err(refusal(value, "must use https"));
    }
    Ok(url)
}

fn refusal(value: &str, why: &str) -> ValidationError {
    // What stands before an `@` may be a password, so such a value is not repeated.
    let subject = if value.contains('@') {
        "the care provider's address".to_owned()
    } else {
        format!("care provider {value:?}")
    };
    ValidationError::new(format!(
        "{subject} {why}; expected e.g. https://example.kaddio.com"
    ))
}

impl fmt::Display for CareProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_of_one_provider_normalize_alike() {
        for spelling in [
            "https://Example.Kaddio.com",
            "https://example.kaddio.com/",
            "https://example.kaddio.com:443",
            " https://EXAMPLE.kaddio.com/ ",
        ] {
            let provider = CareProvider::parse(spelling).unwrap();
            assert_eq!(
                provider.as_str(),
                "https://example.kaddio.com",
                "{spelling:?}"
            );
        }
    }

    #[test]
    fn a_non_default_port_is_kept() {
        let provider = CareProvider::parse("https://example.kaddio.com:8443").unwrap();
        assert_eq!(provider.as_str(), "https://example.kaddio.com:8443");
    }

    #[test]
    fn anything_but_a_bare_https_origin_is_refused() {
        for bad in [
            "http://example.kaddio.com",
            "example.kaddio.com",
            "https://example.kaddio.com/booking",
            "https://example.kaddio.com/?a=b",
            "https://user:pw@example.kaddio.com",
            "",
        ] {
            assert!(CareProvider::parse(bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn a_refused_address_with_a_password_does_not_repeat_it() {
        for bad in [
            "https://user:hunter2@example.kaddio.com",
            "http://user:hunter2@example.kaddio.com",
            "https://user:hunter2@",
        ] {
            let error = CareProvider::parse(bad).unwrap_err();
            assert!(!error.to_string().contains("hunter2"), "{error}");
        }
    }

    #[test]
    fn a_delivered_address_is_reduced_to_its_origin() {
        for delivered in [
            "https://Example.kaddio.com/sv/boka?x=1",
            "https://user@example.kaddio.com/",
            "https://example.kaddio.com#top",
        ] {
            let provider = CareProvider::parse_origin_of(delivered).unwrap();
            assert_eq!(
                provider.as_str(),
                "https://example.kaddio.com",
                "{delivered:?}"
            );
        }
        assert!(CareProvider::parse_origin_of("http://example.kaddio.com").is_err());
        assert!(CareProvider::parse_origin_of("not a url").is_err());
    }

    #[test]
    fn booking_url_carries_the_reference_as_a_query() {
        let provider = CareProvider::parse("https://example.kaddio.com").unwrap();
        let reference = crate::Reference::parse("acme_ORD_7").unwrap();
        assert_eq!(
            provider.booking_url(&reference),
            "https://example.kaddio.com/booking?reference=acme_ORD_7"
        );
    }
}
