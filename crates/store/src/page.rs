/// Which slice of a newest-first listing to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub limit: u32,
    /// Only rows older than this cursor, as handed out in [`Page::next_cursor`].
    pub before: Option<i64>,
}

/// A slice of a newest-first listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Where the next page starts; `None` on the last page.
    pub next_cursor: Option<i64>,
}

impl<T> Page<T> {
    /// Builds a page from up to `limit + 1` rows: the extra row only says another page exists.
    pub(crate) fn from_rows(mut rows: Vec<T>, limit: u32, id: impl Fn(&T) -> i64) -> Self {
        let more = rows.len() > limit as usize;
        rows.truncate(limit as usize);
        let next_cursor = if more { rows.last().map(id) } else { None };
        Self {
            items: rows,
            next_cursor,
        }
    }
}

impl PageRequest {
    /// The cursor as a bound for `id < ?`: no cursor means from the newest row.
    pub(crate) fn upper_bound(self) -> i64 {
        self.before.unwrap_or(i64::MAX)
    }

    /// Rows to fetch: one more than asked, to know whether another page follows.
    pub(crate) fn fetch(self) -> i64 {
        i64::from(self.limit) + 1
    }
}
