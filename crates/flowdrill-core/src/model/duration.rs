//! Durations as people write them in workflow files: `90m`, `1h30m`, `2h`, `3d`, `45s`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A non-negative span of time with one-second resolution.
///
/// Written as a sequence of `<number><unit>` parts, largest unit first, with the units
/// `d` (24 hours), `h`, `m` and `s`: `90m`, `1h30m`, `2h`, `3d`, `45s`. On a business
/// clock a day means 24 hours of open time.
///
/// ```
/// use flowdrill_core::Duration;
/// let d: Duration = "1h30m".parse().unwrap();
/// assert_eq!(d.as_secs(), 5400);
/// assert_eq!(d.to_string(), "1h30m");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Duration(u64);

/// Why a duration string was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DurationError {
    /// The text is not a duration at all.
    #[error(
        "{0:?} is not a duration; expected a number and a unit (d, h, m, s), like \"90m\", \"1h30m\", \"2h\", \"3d\" or \"45s\""
    )]
    Malformed(String),
    /// The text is a duration, but longer than [`Duration::MAX`] (or than any number of
    /// seconds can hold).
    #[error("{0:?} is too large: the longest duration is {max} (about 100 years)", max = Duration::MAX)]
    TooLarge(String),
}

impl Duration {
    /// The zero duration.
    pub const ZERO: Duration = Duration(0);

    /// The longest duration a file may contain: 36,600 days (`"36600d"`, about 100
    /// years), the horizon of the business calendar's deadline search. Enforced when a
    /// duration is read from a file (every `Deserialize`, such as an SLA `target`, an
    /// escalation's `"… overdue"` or an effort) and by [`Duration::parse_bounded`], so that
    /// no arithmetic on instants can overflow. Plain [`str::parse`] reads any duration
    /// that fits in 64 bits of seconds (it is rejected later, with a clear error, by
    /// whatever cannot reach that far).
    pub const MAX: Duration = Duration(36_600 * 86_400);

    /// A duration of `secs` seconds.
    pub const fn from_secs(secs: u64) -> Self {
        Duration(secs)
    }

    /// A duration of `mins` minutes.
    pub const fn from_mins(mins: u64) -> Self {
        Duration(mins * 60)
    }

    /// A duration of `hours` hours.
    pub const fn from_hours(hours: u64) -> Self {
        Duration(hours * 3600)
    }

    /// The length in whole seconds.
    pub const fn as_secs(self) -> u64 {
        self.0
    }

    /// `t` plus this duration, saturating at the latest instant a timestamp can hold (a
    /// duration may be far longer than any calendar reaches).
    pub fn after(self, t: chrono::DateTime<chrono::Utc>) -> chrono::DateTime<chrono::Utc> {
        i64::try_from(self.0)
            .ok()
            .and_then(chrono::TimeDelta::try_seconds)
            .and_then(|d| t.checked_add_signed(d))
            .unwrap_or(chrono::DateTime::<chrono::Utc>::MAX_UTC)
    }

    /// Reads a duration like [`str::parse`] and refuses one longer than [`Duration::MAX`]
    /// with [`DurationError::TooLarge`].
    ///
    /// ```
    /// use flowdrill_core::Duration;
    /// assert_eq!(Duration::parse_bounded("2d").map(|d| d.as_secs()), Ok(172_800));
    /// let e = Duration::parse_bounded("99999999d").unwrap_err().to_string();
    /// assert!(e.contains("too large") && e.contains("36600d"), "{e}");
    /// ```
    pub fn parse_bounded(text: &str) -> Result<Duration, DurationError> {
        let d: Duration = text.parse()?;
        if d > Duration::MAX {
            return Err(DurationError::TooLarge(text.to_string()));
        }
        Ok(d)
    }

    /// The length in (fractional) hours.
    pub fn as_hours_f64(self) -> f64 {
        self.0 as f64 / 3600.0
    }
}

const UNITS: [(char, u64); 4] = [('d', 86_400), ('h', 3_600), ('m', 60), ('s', 1)];

impl FromStr for Duration {
    type Err = DurationError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let fail = || DurationError::Malformed(text.to_string());
        let too_large = || DurationError::TooLarge(text.to_string());
        let s = text.trim();
        if s.is_empty() {
            return Err(fail());
        }
        let mut total: u64 = 0;
        let mut digits = String::new();
        // Units must appear largest first and at most once.
        let mut next_unit = 0;
        for c in s.chars() {
            if c.is_ascii_digit() {
                digits.push(c);
                continue;
            }
            let pos = UNITS.iter().position(|(u, _)| *u == c).ok_or_else(fail)?;
            if digits.is_empty() || pos < next_unit {
                return Err(fail());
            }
            // Only digits are left, so the one way to fail is a number beyond 64 bits.
            let n: u64 = digits.parse().map_err(|_| too_large())?;
            let unit = UNITS.get(pos).map_or(1, |u| u.1);
            total = n
                .checked_mul(unit)
                .and_then(|v| total.checked_add(v))
                .ok_or_else(too_large)?;
            digits.clear();
            next_unit = pos + 1;
        }
        if !digits.is_empty() {
            return Err(fail());
        }
        Ok(Duration(total))
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 == 0 {
            return f.write_str("0s");
        }
        let mut rest = self.0;
        for (unit, secs) in UNITS {
            if rest >= secs {
                write!(f, "{}{}", rest / secs, unit)?;
                rest %= secs;
            }
        }
        Ok(())
    }
}

impl Serialize for Duration {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Duration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Duration;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a duration like \"90m\", \"1h30m\" or \"3d\"")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Duration, E> {
                Duration::parse_bounded(v).map_err(E::custom)
            }
        }
        d.deserialize_str(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_forms() {
        let cases = [
            ("90m", 5400),
            ("1h30m", 5400),
            ("2h", 7200),
            ("3d", 259_200),
            ("45s", 45),
            ("1d2h3m4s", 93_784),
            ("0m", 0),
        ];
        for (text, secs) in cases {
            assert_eq!(text.parse::<Duration>(), Ok(Duration(secs)), "{text}");
        }
    }

    #[test]
    fn rejects_everything_else() {
        for bad in [
            "", "90", "m", "1.5h", "30m1h", "1h1h", "2 weeks", "-1h", "1w", "h30",
        ] {
            assert!(bad.parse::<Duration>().is_err(), "{bad} should be rejected");
        }
        let msg = "90".parse::<Duration>().unwrap_err().to_string();
        assert!(msg.contains("\"90\" is not a duration"), "{msg}");
    }

    #[test]
    fn displays_canonically_and_round_trips() {
        for secs in [0, 1, 59, 60, 3600, 5400, 86_400, 93_784, 1_000_000] {
            let d = Duration(secs);
            assert_eq!(d.to_string().parse::<Duration>(), Ok(d));
        }
        assert_eq!(Duration(5400).to_string(), "1h30m");
        assert_eq!(Duration(172_800).to_string(), "2d");
    }

    #[test]
    fn overflow_is_an_error_not_a_panic() {
        for big in [
            "99999999999999999999d",
            "999999999999999d",
            "18446744073709551616s",
        ] {
            let msg = big.parse::<Duration>().unwrap_err().to_string();
            assert!(msg.contains("too large"), "{big}: {msg}");
        }
    }

    #[test]
    fn files_refuse_more_than_the_maximum() {
        assert_eq!(Duration::parse_bounded("36600d"), Ok(Duration::MAX));
        assert!(matches!(
            Duration::parse_bounded("36600d1s"),
            Err(DurationError::TooLarge(_))
        ));
        let e = serde_json::from_str::<Duration>("\"9223372036854776s\"").unwrap_err();
        assert!(
            e.to_string()
                .contains("is too large: the longest duration is 36600d"),
            "{e}"
        );
    }
}
