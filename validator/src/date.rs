//! Calendar dates as the profiles write them (YYYY-MM-DD), and today's date.
//!
//! Only whole days matter for "checked" dates, so a civil date and a day count are enough;
//! a date-time crate would be a large dependency for two small conversions.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use safe_contact_rules::date;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    year: i64,
    month: u32,
    day: u32,
}

impl Date {
    /// A real calendar date, or `None`. Only the strict `YYYY-MM-DD` form is taken, because
    /// "1/10/25" means different days to different people.
    pub fn parse(text: &str) -> Option<Date> {
        let bytes = text.as_bytes();
        let digits = |range: std::ops::Range<usize>| {
            bytes[range.clone()]
                .iter()
                .all(u8::is_ascii_digit)
                .then(|| text[range].parse::<u32>().ok())
                .flatten()
        };
        if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
            return None;
        }
        let date = Date {
            year: i64::from(digits(0..4)?),
            month: digits(5..7)?,
            day: digits(8..10)?,
        };
        let valid = (1..=12).contains(&date.month)
            && date.day >= 1
            && date.day <= date::days_in_month(date.year, date.month);
        valid.then_some(date)
    }

    /// Today in UTC. The UK is never more than an hour from UTC, which cannot matter
    /// for a check measured in years.
    pub fn today() -> Date {
        let seconds = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .expect("the system clock is after 1970")
            .as_secs();
        Date::from_days(i64::try_from(seconds / 86_400).expect("days since 1970 fit in i64"))
    }

    /// Days since 1970-01-01, so that differences between dates are plain subtraction.
    pub fn days(self) -> i64 {
        date::days_from_civil(self.year, self.month, self.day)
    }

    /// Whether `later` falls more than `years` whole calendar years after this date. Compared
    /// field by field, so that 29 February three years on falls between 28 February and 1 March.
    pub fn more_than_years_before(self, later: Date, years: i64) -> bool {
        (later.year, later.month, later.day) > (self.year + years, self.month, self.day)
    }

    /// The date as people write it in a letter, "2 October 2026", which no reader can misread.
    pub fn in_words(self) -> String {
        const MONTHS: [&str; 12] = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ];
        let month = MONTHS[usize::try_from(self.month - 1).expect("month is 1 to 12")];
        format!("{} {month} {}", self.day, self.year)
    }

    /// The inverse of [`Date::days`].
    pub fn from_days(days: i64) -> Date {
        let (year, month, day) = date::civil_from_days(days);
        Date { year, month, day }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

#[cfg(test)]
mod tests {
    use super::Date;

    #[test]
    fn parses_only_real_dates_in_iso_form() {
        assert!(Date::parse("2024-02-29").is_some());
        for bad in [
            "2025-02-29",
            "2025-13-01",
            "2025-00-10",
            "2025-04-31",
            "2025-4-1",
            "01/10/2025",
            "2025-10-01T00:00",
            "+025-10-01",
        ] {
            assert_eq!(Date::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn day_numbers_round_trip() {
        assert_eq!(Date::parse("1970-01-01").unwrap().days(), 0);
        assert_eq!(Date::parse("2000-03-01").unwrap().days(), 11_017);
        for days in [-800_000, -1, 0, 59, 60, 11_016, 20_415, 20_780, 800_000] {
            assert_eq!(Date::from_days(days).days(), days);
        }
        assert_eq!(Date::from_days(20_780).to_string(), "2026-11-23");
    }

    #[test]
    fn written_in_words() {
        assert_eq!(
            Date::parse("2026-10-02").unwrap().in_words(),
            "2 October 2026"
        );
        assert_eq!(
            Date::parse("2027-01-31").unwrap().in_words(),
            "31 January 2027"
        );
        assert_eq!(
            Date::parse("2026-12-01").unwrap().in_words(),
            "1 December 2026"
        );
    }

    #[test]
    fn more_than_three_years_is_counted_in_calendar_years() {
        let date = |text| Date::parse(text).unwrap();
        let source = date("2020-04-01");
        assert!(!source.more_than_years_before(date("2023-04-01"), 3));
        assert!(source.more_than_years_before(date("2023-04-02"), 3));
        let leap_day = date("2020-02-29");
        assert!(!leap_day.more_than_years_before(date("2023-02-28"), 3));
        assert!(leap_day.more_than_years_before(date("2023-03-01"), 3));
    }
}
