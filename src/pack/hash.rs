//! A pack's content hash, shared with `build.rs` (which checks that the
//! default pack's compiled form was compiled from the `rules/` it embeds).

/// FNV-1a over names and sources (in the order given), hex. Each name and
/// each source is preceded by its length in bytes (eight, little-endian),
/// so the bytes hashed tell the parts apart whatever they contain: with
/// NUL separators, which a source may hold (in a comment), a NUL, a name
/// and a NUL inside one file's source hashed as two files.
#[cfg_attr(not(feature = "rhai"), allow(dead_code))]
pub fn content_hash(sources: &[(String, String)]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |bytes: &[u8]| {
        for &b in bytes {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    };
    for (name, source) in sources {
        for part in [name, source] {
            feed(&(part.len() as u64).to_le_bytes());
            feed(part.as_bytes());
        }
    }
    format!("{h:016x}")
}
