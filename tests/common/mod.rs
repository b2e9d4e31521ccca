//! Tables shared by the native tests (`tests/*.rs`) and the wasm tests
//! (`tests/wasm.rs`, run in Node and in headless Chromium).
#![allow(dead_code)]

/// One matrix cell: (impact level, urgency, clock, respond s, priority,
/// process, resolve s).
pub type Case = (
    &'static str,
    &'static str,
    &'static str,
    u64,
    &'static str,
    Option<&'static str>,
    u64,
);

const M: u64 = 60;
const H: u64 = 3600;
const STOP: &str = "Work Stopped - No workaround";
const WORKAROUND: &str = "Work Stopped - Workaround available";
const IMPAIRED: &str = "Work Impaired";
const NOT: &str = "Work not Impaired";
const OUTAGE: Option<&str> = Some("Outage Management");
const PROBLEM: Option<&str> = Some("Problem Management");

/// Appendix A of the incident-management process, cell by cell, as
/// transcribed in `shared/reference/priority-matrix.md`.
pub const CASES: &[Case] = &[
    ("Critical", STOP, "24x7", 15 * M, "Emergency", OUTAGE, 4 * H),
    ("Major", STOP, "24x7", H, "High", None, 8 * H),
    ("Minor", STOP, "24x7", H, "High", None, 8 * H),
    ("Small", STOP, "business", 8 * H, "Standard", None, 16 * H),
    ("Critical", WORKAROUND, "24x7", H, "High", PROBLEM, 8 * H),
    ("Major", WORKAROUND, "24x7", H, "High", PROBLEM, 8 * H),
    (
        "Minor",
        WORKAROUND,
        "business",
        8 * H,
        "Standard",
        None,
        16 * H,
    ),
    (
        "Small",
        WORKAROUND,
        "business",
        8 * H,
        "Scheduled",
        None,
        32 * H,
    ),
    ("Critical", IMPAIRED, "24x7", H, "High", None, 8 * H),
    (
        "Major",
        IMPAIRED,
        "business",
        8 * H,
        "Standard",
        None,
        16 * H,
    ),
    (
        "Minor",
        IMPAIRED,
        "business",
        8 * H,
        "Standard",
        None,
        16 * H,
    ),
    (
        "Small",
        IMPAIRED,
        "business",
        8 * H,
        "Scheduled",
        None,
        32 * H,
    ),
    ("Critical", NOT, "business", 8 * H, "Standard", None, 16 * H),
    ("Major", NOT, "business", 8 * H, "Scheduled", None, 32 * H),
    ("Minor", NOT, "business", 8 * H, "Scheduled", None, 32 * H),
    ("Small", NOT, "business", 8 * H, "Scheduled", None, 32 * H),
];

/// The seven impact descriptions and the level each maps to.
pub const ALIASES: &[(&str, &str)] = &[
    ("Entire University affected", "Critical"),
    ("Multiple Departments affected", "Major"),
    ("Multiple Buildings affected", "Major"),
    ("Single Department affected", "Minor"),
    ("Single Building affected", "Minor"),
    ("Outside of Service's operating hours", "Small"),
    ("Affects only ITS Service Operations", "Small"),
    ("Single Individual", "Small"),
];

pub const URGENCIES: &[&str] = &[STOP, WORKAROUND, IMPAIRED, NOT];

/// A pack whose one file loops forever at load.
pub const RUNAWAY_LOAD: &str = "let x = 0;\nloop {\n    x += 1;\n}\n";

/// A small complete pack, for tests that only need a matrix.
pub const TINY_PACK: &str = r#"
priorities(["P1", "P2"]);
impact("High");
impact("Low");
urgency("Now");
urgency("Later");
row("Now",   [cell("24x7", "1h", "P1", "4h"), cell("24x7", "2h", "P1", "8h")]);
row("Later", [cell("24x7", "2h", "P1", "8h"), cell("business", "8h", "P2", "32h")]);
"#;

/// `TINY_PACK` plus a hook that loops forever for one ticket.
pub const RUNAWAY_HOOK: &str = r#"
fn adjust_priority(ticket, result) {
    if ticket.service == "spin" {
        let n = 0;
        while true { n += 1; }
    }
    result
}
"#;
