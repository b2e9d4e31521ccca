//! The byte format of the zone table (`zones.bin`, described in
//! `scripts/tz_compact.py`): reading it, and filtering it for a slim
//! build. Shared by the crate and `build.rs` (which includes this file),
//! so it names nothing else of the crate.

/// Reads LEB128 varints off the front of a byte slice; a truncated one
/// reads as what it has (the table is ours and checked by tests).
pub struct Reader<'a>(pub &'a [u8]);

impl<'a> Reader<'a> {
    /// An unsigned varint.
    pub fn unsigned(&mut self) -> u64 {
        let mut value = 0u64;
        for (i, b) in self.0.iter().enumerate() {
            if i >= 10 {
                break;
            }
            value |= u64::from(b & 0x7F) << (7 * i);
            if b & 0x80 == 0 {
                self.0 = self.0.get(i + 1..).unwrap_or_default();
                return value;
            }
        }
        self.0 = &[];
        value
    }

    /// A zigzag-encoded signed varint.
    pub fn signed(&mut self) -> i64 {
        let u = self.unsigned();
        ((u >> 1) as i64) ^ -((u & 1) as i64)
    }

    /// The next `n` bytes (fewer at the end).
    pub fn bytes(&mut self, n: usize) -> &'a [u8] {
        let n = n.min(self.0.len());
        let (head, tail) = self.0.split_at(n);
        self.0 = tail;
        head
    }
}

/// A table's zones `(name, set)` in name order, and each set's bytes; an
/// empty table for bytes that are not one.
pub fn parse(data: &[u8]) -> (Vec<(&str, usize)>, Vec<&[u8]>) {
    let mut r = Reader(data);
    if r.bytes(4) != b"TZC1" {
        return (Vec::new(), Vec::new());
    }
    let (zones, sets) = (r.unsigned() as usize, r.unsigned() as usize);
    let names = (0..zones)
        .map(|_| {
            let len = r.unsigned() as usize;
            let name = std::str::from_utf8(r.bytes(len)).unwrap_or_default();
            (name, r.unsigned() as usize)
        })
        .collect();
    let sets = (0..sets)
        .map(|_| {
            let len = r.unsigned() as usize;
            r.bytes(len)
        })
        .collect();
    (names, sets)
}

#[cfg_attr(not(test), allow(dead_code))] // build.rs filters
fn put(out: &mut Vec<u8>, n: usize) {
    let mut n = n as u64;
    loop {
        let b = (n & 0x7F) as u8;
        n >>= 7;
        if n == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

/// The table with only the zones `keep` accepts and the sets they use.
#[cfg_attr(not(test), allow(dead_code))] // build.rs filters
pub fn filtered(data: &[u8], keep: impl Fn(&str) -> bool) -> Vec<u8> {
    let (names, sets) = parse(data);
    let names: Vec<(&str, usize)> = names.into_iter().filter(|(n, _)| keep(n)).collect();
    // The sets still used, renumbered in their old order.
    let mut used: Vec<usize> = names.iter().map(|(_, s)| *s).collect();
    used.sort_unstable();
    used.dedup();
    let mut out = b"TZC1".to_vec();
    put(&mut out, names.len());
    put(&mut out, used.len());
    for (name, set) in &names {
        put(&mut out, name.len());
        out.extend_from_slice(name.as_bytes());
        put(&mut out, used.binary_search(set).unwrap_or_default());
    }
    for set in used {
        let body = sets.get(set).copied().unwrap_or_default();
        put(&mut out, body.len());
        out.extend_from_slice(body);
    }
    out
}

/// Whether a slim build's filter (`TICKET_RULES_ZONES`: comma-separated
/// names, a name ending in `/` for every zone under it) keeps `name`.
/// UTC is always kept.
#[cfg_attr(not(test), allow(dead_code))] // build.rs filters
pub fn kept_by(filter: &str, name: &str) -> bool {
    name == "UTC"
        || filter
            .split(',')
            .map(str::trim)
            .any(|k| !k.is_empty() && (k == name || (k.ends_with('/') && name.starts_with(k))))
}

#[cfg(test)]
mod tests {
    use super::*;

    static FULL: &[u8] = include_bytes!("zones.bin");

    #[test]
    fn a_filtered_table_keeps_the_named_zones_and_their_data() {
        let (all, all_sets) = parse(FULL);
        let filter = "America/New_York, Europe/";
        let slim = filtered(FULL, |n| kept_by(filter, n));
        let (kept, kept_sets) = parse(&slim);
        let expected: Vec<&str> = all
            .iter()
            .map(|(n, _)| *n)
            .filter(|n| *n == "UTC" || *n == "America/New_York" || n.starts_with("Europe/"))
            .collect();
        assert!(expected.len() > 50, "{}", expected.len());
        assert_eq!(kept.iter().map(|(n, _)| *n).collect::<Vec<_>>(), expected);
        for (name, set) in &kept {
            let was = all.iter().find(|(n, _)| n == name).map(|(_, s)| *s);
            assert_eq!(
                kept_sets.get(*set),
                was.and_then(|s| all_sets.get(s)),
                "{name}"
            );
        }
        assert!(kept_sets.len() < all_sets.len() / 4);
        assert!(slim.len() < FULL.len() / 3);
    }

    #[test]
    fn the_filter_matches_names_and_prefixes_only() {
        assert!(kept_by("", "UTC"));
        assert!(!kept_by("", "Europe/Paris"));
        assert!(kept_by("Europe/", "Europe/Paris"));
        assert!(!kept_by("Europe", "Europe/Paris"));
        assert!(kept_by(" America/New_York ,Asia/Tokyo", "Asia/Tokyo"));
        assert!(!kept_by("America/New_York", "America/New_York_City"));
    }
}
