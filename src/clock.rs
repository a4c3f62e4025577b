//! The one place time enters: migration versions. `SOURCE_DATE_EPOCH` pins it, so runs and
//! tests are reproducible.

use std::time::{SystemTime, UNIX_EPOCH};

/// Seconds since the Unix epoch, UTC.
pub type Seconds = i64;

/// The last second a 14-digit version can name: 9999-12-31 23:59:59 UTC.
pub const LATEST: Seconds = 253_402_300_799;

/// Now, or `SOURCE_DATE_EPOCH` when it is set. A value that is not a whole number of seconds
/// between 1970 and the end of year 9999 is a usage error, never a wrapped version.
pub fn now() -> Result<Seconds, crate::error::Error> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(v) if !v.trim().is_empty() => epoch(v.trim()),
        _ => Ok(SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64)),
    }
}

fn epoch(v: &str) -> Result<Seconds, crate::error::Error> {
    v.parse::<Seconds>()
        .ok()
        .filter(|t| (0..=LATEST).contains(t))
        .ok_or_else(|| {
            crate::error::Error::InvalidArgument(format!(
                "SOURCE_DATE_EPOCH={v:?} is not a time migrations can be named after: use whole seconds since 1970 up to {LATEST} (the end of year 9999), or unset it"
            ))
        })
}

/// `YYYYMMDDHHmmss`, the InsForge CLI's migration version.
pub fn version(t: Seconds) -> String {
    let days = t.div_euclid(86_400);
    let secs = t.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}{m:02}{d:02}{:02}{:02}{:02}",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

/// The inverse of [`version`]; None for anything that is not 14 digits of a real time.
pub fn parse_version(v: &str) -> Option<Seconds> {
    if v.len() != 14 || !v.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n = |r: std::ops::Range<usize>| v[r].parse::<i64>().ok();
    let (y, mo, d, h, mi, s) = (
        n(0..4)?,
        n(4..6)?,
        n(6..8)?,
        n(8..10)?,
        n(10..12)?,
        n(12..14)?,
    );
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || s > 59 {
        return None;
    }
    Some(days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + s)
}

// Proleptic Gregorian calendar conversions (the well-known era-based algorithm).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_round_trip() {
        let table = [
            (0, "19700101000000"),
            (951_782_400, "20000229000000"),
            (1_798_761_599, "20261231235959"),
            (1_795_868_306, "20261128121826"),
        ];
        for (t, v) in table {
            assert_eq!(version(t), v);
            assert_eq!(parse_version(v), Some(t));
        }
        assert_eq!(parse_version("2026112811182"), None);
        assert_eq!(parse_version("20261328111826"), None);
        assert_eq!(version(LATEST), "99991231235959");
    }

    #[test]
    fn source_date_epoch_must_name_a_14_digit_time() {
        assert_eq!(epoch("0").unwrap(), 0);
        assert_eq!(epoch("253402300799").unwrap(), LATEST);
        for bad in [
            "-1",
            "253402300800",
            "9223372036854775807",
            "1e9",
            "soon",
            "1.5",
        ] {
            let err = epoch(bad).unwrap_err().to_string();
            assert!(err.contains("SOURCE_DATE_EPOCH"), "{bad}: {err}");
        }
    }
}
