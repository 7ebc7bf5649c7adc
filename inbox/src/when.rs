//! Times as staff read them: how old a request is and how long until it is deleted. The API
//! gives RFC 3339 UTC times; the browser gives "now" as Unix seconds.

use safe_contact_rules::date;

/// Reads `YYYY-MM-DDTHH:MM:SS` with optional fraction and a `Z` or `+00:00` zone, which is all
/// the endpoint writes. Anything else is `None`, shown as "unknown" rather than a wrong age.
pub fn parse_rfc3339(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let part = s.get(r)?;
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let (month, day) = (u32::try_from(month).ok()?, u32::try_from(day).ok()?);
    if b[13] != b':'
        || b[16] != b':'
        || !(1..=12).contains(&month)
        || !(1..=date::days_in_month(year, month)).contains(&day)
    {
        return None;
    }
    let mut rest = &s[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        rest = &frac[digits..];
    }
    if !matches!(rest, "Z" | "z" | "+00:00") || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    Some(date::days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second)
}

/// "1 minute", "3 hours", "89 days": the largest whole unit, rounded down.
pub fn span(secs: i64) -> String {
    let (n, unit) = if secs < 3600 {
        (secs / 60, "minute")
    } else if secs < 86_400 {
        (secs / 3600, "hour")
    } else {
        (secs / 86_400, "day")
    };
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}

/// The idle time-out in words: "15 minutes", or seconds when it is shorter than two minutes.
pub fn idle_words(secs: u64) -> String {
    if secs < 120 {
        format!("{secs} second{}", if secs == 1 { "" } else { "s" })
    } else {
        format!(
            "{} minute{}",
            secs / 60,
            if secs / 60 == 1 { "" } else { "s" }
        )
    }
}

/// "2 hours ago"; under a minute is "just now".
pub fn age(received_at: &str, now: i64) -> String {
    match parse_rfc3339(received_at) {
        Some(t) if now - t < 60 => "just now".to_owned(),
        Some(t) => format!("{} ago", span(now - t)),
        None => "at an unknown time".to_owned(),
    }
}

/// "deleted in 89 days"; a request past its time is about to go at the next purge.
pub fn time_left(expires_at: &str, now: i64) -> String {
    match parse_rfc3339(expires_at) {
        Some(t) if t - now < 60 => "due for deletion now".to_owned(),
        Some(t) => format!("deleted in {}", span(t - now)),
        None => "deletion time unknown".to_owned(),
    }
}

/// "23 Nov 2026 at 23:08 UTC", for the audit trail where the exact time matters.
pub fn stamp(at: &str) -> String {
    let Some(t) = parse_rfc3339(at) else {
        return at.to_owned();
    };
    let (days, secs) = (t.div_euclid(86_400), t.rem_euclid(86_400));
    let (y, m, d) = date::civil_from_days(days);
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    format!(
        "{d} {} {y} at {:02}:{:02} UTC",
        MONTHS[(m - 1) as usize],
        secs / 3600,
        secs % 3600 / 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_795_475_298; // 2026-11-23T23:08:18Z

    #[test]
    fn reads_the_endpoint_times() {
        assert_eq!(parse_rfc3339("2026-11-23T23:08:18Z"), Some(NOW));
        assert_eq!(parse_rfc3339("2026-11-23T23:08:18.123Z"), Some(NOW));
        assert_eq!(parse_rfc3339("2026-11-23T23:08:18+00:00"), Some(NOW));
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_rfc3339("2026-11-23T23:08:18+01:00"), None);
        assert_eq!(parse_rfc3339("2026-13-23T23:08:18Z"), None);
        assert_eq!(
            parse_rfc3339("2026-02-30T23:08:18Z"),
            None,
            "no 30 February"
        );
        assert_eq!(
            parse_rfc3339("2028-02-29T00:00:00Z").map(|t| t % 86_400),
            Some(0)
        );
        assert_eq!(parse_rfc3339("yesterday"), None);
    }

    #[test]
    fn ages_and_time_left_in_plain_words() {
        assert_eq!(age("2026-11-23T23:08:00Z", NOW), "just now");
        assert_eq!(age("2026-11-23T23:07:00Z", NOW), "1 minute ago");
        assert_eq!(age("2026-11-23T21:00:00Z", NOW), "2 hours ago");
        assert_eq!(age("2026-11-20T23:08:18Z", NOW), "3 days ago");
        assert_eq!(time_left("2027-02-21T23:08:18Z", NOW), "deleted in 90 days");
        assert_eq!(time_left("2027-02-21T23:08:17Z", NOW), "deleted in 89 days");
        assert_eq!(time_left("2026-11-24T01:08:18Z", NOW), "deleted in 2 hours");
        assert_eq!(
            time_left("2026-11-23T23:00:00Z", NOW),
            "due for deletion now"
        );
        assert_eq!(age("nonsense", NOW), "at an unknown time");
    }

    #[test]
    fn idle_time_in_words() {
        assert_eq!(idle_words(900), "15 minutes");
        assert_eq!(idle_words(5), "5 seconds");
        assert_eq!(idle_words(150), "2 minutes");
    }

    #[test]
    fn stamps_for_the_audit_trail() {
        assert_eq!(stamp("2026-11-23T23:08:18Z"), "23 Nov 2026 at 23:08 UTC");
        assert_eq!(stamp("2024-02-29T00:05:00Z"), "29 Feb 2024 at 00:05 UTC");
    }
}
