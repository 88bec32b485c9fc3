use time::OffsetDateTime;

/// The current time in UTC, to the microsecond: as precise as every supported database
/// keeps it, so a value reads back equal to what was written.
pub fn now() -> OffsetDateTime {
    let now = OffsetDateTime::now_utc();
    let micros = now.nanosecond() / 1_000;
    now.replace_nanosecond(micros * 1_000)
        .expect("a whole number of microseconds is a valid nanosecond")
}
