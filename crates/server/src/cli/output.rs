//! How the CLI shows things: aligned columns for people, JSON for scripts.

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;

/// Prints rows under a header, each column as wide as its widest cell.
pub fn print_table<const N: usize>(header: [&str; N], rows: &[[String; N]]) {
    let mut widths = header.map(str::len);
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |cells: [&str; N]| {
        let padded: Vec<String> = cells
            .iter()
            .zip(widths)
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect();
        println!("{}", padded.join("  ").trim_end());
    };
    line(header);
    for row in rows {
        line(row.each_ref().map(String::as_str));
    }
}

/// A time for people: UTC, to the second.
pub fn when(at: OffsetDateTime) -> String {
    at.format(format_description!(
        "[year]-[month]-[day] [hour]:[minute]:[second]Z"
    ))
    .expect("every UTC time formats")
}

pub fn when_or(at: Option<OffsetDateTime>, otherwise: &str) -> String {
    at.map_or_else(|| otherwise.to_owned(), when)
}

/// A time for scripts: RFC 3339.
pub fn rfc3339(at: OffsetDateTime) -> String {
    at.format(&Rfc3339)
        .expect("every UTC time formats as RFC 3339")
}

pub fn status(active: bool) -> String {
    if active { "active" } else { "disabled" }.to_owned()
}
