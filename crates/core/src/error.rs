use std::fmt;

/// A value that does not have the shape its type demands.
///
/// The message is written for the person who typed the value: it names the value's kind and
/// what is allowed, so it can be shown as it is in a CLI error line or an API error body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError(String);

impl ValidationError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ValidationError {}
