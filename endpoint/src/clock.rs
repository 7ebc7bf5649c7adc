//! Wall-clock time as whole seconds, which is all retention and staff screens need; finer
//! timestamps would only add metadata.

use std::time::{SystemTime, UNIX_EPOCH};

pub fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

pub const DAY: i64 = 24 * 60 * 60;

/// `2026-05-01T09:30:00Z`, without pulling in a date library for one format.
pub fn rfc3339(unix: i64) -> String {
    let (y, m, d) = safe_contact_rules::date::civil_from_days(unix.div_euclid(DAY));
    let secs = unix.rem_euclid(DAY);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_instants() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_777_627_800), "2026-05-01T09:30:00Z");
    }
}
