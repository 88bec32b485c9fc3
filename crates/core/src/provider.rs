use std::fmt;

use url::Url;

use crate::ValidationError;

/// A care provider's Kaddio address, kept as lower-case `https://host` with a port only when
/// it is not 443, so that two spellings of one provider compare equal.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CareProvider(String);

impl CareProvider {
    pub fn parse(value: &str) -> Result<Self, ValidationError> {
        let refuse = |why: &str| {
            ValidationError::new(format!(
                "care provider {value:?} {why}; expected e.g. https://example.kaddio.com"
            ))
        };
        let url = Url::parse(value.trim()).map_err(|_| refuse("is not a URL"))?;
        if url.scheme() != "https" {
            return Err(refuse("must use https"));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(refuse("must not hold a user name or password"));
        }
        if !matches!(url.path(), "" | "/") || url.query().is_some() || url.fragment().is_some() {
            return Err(refuse(
                "must be the provider's address alone, with no path or query",
            ));
        }
        let host = url.host_str().ok_or_else(|| refuse("has no host"))?;
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
    fn booking_url_carries_the_reference_as_a_query() {
        let provider = CareProvider::parse("https://example.kaddio.com").unwrap();
        let reference = crate::Reference::parse("acme_ORD_7").unwrap();
        assert_eq!(
            provider.booking_url(&reference),
            "https://example.kaddio.com/booking?reference=acme_ORD_7"
        );
    }
}
