//! A pack's content hash, shared with `build.rs` (which checks that the
//! default pack's compiled form was compiled from the `rules/` it embeds).

/// FNV-1a over names and sources (in the order given), hex.
#[cfg_attr(not(feature = "rhai"), allow(dead_code))]
pub fn content_hash(sources: &[(String, String)]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for (name, source) in sources {
        for b in name.bytes().chain([0]).chain(source.bytes()).chain([0]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{h:016x}")
}
