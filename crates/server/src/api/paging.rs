//! `limit` and `cursor` query parameters, shared by every listing.

use portal_store::PageRequest;

use super::ApiError;

const DEFAULT_LIMIT: u32 = 50;
const MAX_LIMIT: u32 = 500;
/// Cursors are opaque to clients; the prefix lets a stray value be told from a real one.
const CURSOR_PREFIX: &str = "c";

pub fn page_request(limit: Option<&str>, cursor: Option<&str>) -> Result<PageRequest, ApiError> {
    let limit = match limit {
        None => DEFAULT_LIMIT,
        Some(text) => text
            .parse()
            .ok()
            .filter(|limit| (1..=MAX_LIMIT).contains(limit))
            .ok_or_else(|| {
                ApiError::bad_request(format!(
                    "limit must be a whole number from 1 to {MAX_LIMIT}, not {text:?}"
                ))
            })?,
    };
    let before = cursor
        .filter(|text| !text.is_empty())
        .map(decode_cursor)
        .transpose()?;
    Ok(PageRequest { limit, before })
}

pub fn encode_cursor(id: i64) -> String {
    format!("{CURSOR_PREFIX}{id}")
}

fn decode_cursor(text: &str) -> Result<i64, ApiError> {
    text.strip_prefix(CURSOR_PREFIX)
        .and_then(|id| id.parse().ok())
        .filter(|id: &i64| *id > 0)
        .ok_or_else(|| {
            ApiError::bad_request(format!(
                "cursor {text:?} is not in the form this API hands out; pass next_cursor back as it came"
            ))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_outside_one_to_five_hundred_are_refused() {
        for bad in ["0", "501", "-1", "ten", ""] {
            assert!(
                page_request(Some(bad), None).is_err(),
                "{bad:?} was accepted"
            );
        }
        assert_eq!(page_request(Some("500"), None).unwrap().limit, 500);
        assert_eq!(page_request(None, None).unwrap().limit, DEFAULT_LIMIT);
    }

    #[test]
    fn cursors_round_trip_and_strays_are_refused() {
        let cursor = encode_cursor(42);
        assert_eq!(page_request(None, Some(&cursor)).unwrap().before, Some(42));
        assert!(page_request(None, Some("42")).is_err());
        assert!(page_request(None, Some("c-1")).is_err());
    }
}
