//! The rhai engine a pack runs in: the standard library, no I/O, no
//! clock, and limits on everything that can grow.

use std::cell::Cell;
#[cfg(feature = "rhai")]
use std::cell::OnceCell;
#[cfg(feature = "rhai")]
use std::rc::Rc;

#[cfg(feature = "rhai")]
use rhai::packages::{
    BasicArrayPackage, BasicMapPackage, BasicMathPackage, CorePackage, LogicPackage,
    MoreStringPackage, Package,
};
#[cfg(feature = "rhai")]
use rhai::{Dynamic, Engine, Module, Shared};

/// Sandbox limits. Rule packs are untrusted code in a browser tab: every
/// loop, recursion and allocation a rule can make is bounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Operations per run of a file at load, or per hook call.
    pub operations: u64,
    /// Nested function calls.
    pub call_levels: usize,
    /// Expression nesting at global level / inside functions.
    pub expr_depth: (usize, usize),
    /// Bytes (UTF-8) of the strings in one value a rule builds, summed
    /// over the value (rhai's count).
    pub string_size: usize,
    /// Items of the arrays in one value a rule builds, nested arrays'
    /// items counted too.
    pub array_size: usize,
    /// Entries of the maps in one value a rule builds, nested maps'
    /// entries counted too.
    pub map_size: usize,
    /// Variables in scope at once.
    pub variables: usize,
    /// Milliseconds of wall time per run (0: no time guard). A safety net
    /// under the limits above, which are deterministic: it fires only for
    /// operations that are each very expensive (counting the characters of
    /// a 10 MB string in a loop), where an operation count says little about
    /// time. Needs a [clock](set_clock).
    pub time_ms: u32,
}

impl Limits {
    /// Limits while a pack's files run once at load.
    pub const LOAD: Limits = Limits {
        operations: 1_000_000,
        call_levels: 48,
        expr_depth: (64, 48),
        string_size: 1 << 20,
        array_size: 100_000,
        map_size: 10_000,
        variables: 1_000,
        time_ms: 2_000,
    };

    /// Limits for one hook call on one ticket. 100,000 operations take a
    /// few milliseconds in wasm: a runaway hook is stopped long before a
    /// page would notice.
    pub const HOOK: Limits = Limits {
        operations: 100_000,
        call_levels: 32,
        expr_depth: (64, 48),
        // One operation on a string costs up to its length, so this bounds
        // the slowest single operation (`pad` to 1 M characters: ~30 ms in
        // wasm), which no time guard can interrupt. A ticket with a longer
        // string is refused before its hook runs (`TOO_LARGE`).
        string_size: 1 << 20,
        array_size: 10_000,
        map_size: 10_000,
        variables: 500,
        time_ms: 50,
    };

    /// The most a pack may ask for with `limits(#{...})`. At these, a
    /// runaway hook stops within 100 ms in a browser tab: by its own limit
    /// or, at the latest, by the time guard plus one operation.
    pub const CEILING: Limits = Limits {
        operations: 200_000,
        call_levels: 64,
        expr_depth: (64, 48),
        string_size: 1 << 20,
        array_size: 100_000,
        map_size: 100_000,
        variables: 1_000,
        time_ms: 50,
    };
}

impl Limits {
    /// The hook limits a pack asks for with `limits(#{...})`: each key
    /// overrides [`Limits::HOOK`], within [`Limits::CEILING`].
    pub(crate) fn hook_from_json(
        o: &serde_json::Map<String, serde_json::Value>,
    ) -> Result<Limits, String> {
        const KEYS: [&str; 7] = [
            "operations",
            "call_levels",
            "string_size",
            "array_size",
            "map_size",
            "variables",
            "time_ms",
        ];
        crate::spec::unknown_keys(o, &KEYS, "limits(#{...})")?;
        let mut l = Limits::HOOK;
        let c = Limits::CEILING;
        for (key, v) in o {
            let ceiling = match key.as_str() {
                "operations" => c.operations,
                "call_levels" => c.call_levels as u64,
                "string_size" => c.string_size as u64,
                "array_size" => c.array_size as u64,
                "map_size" => c.map_size as u64,
                "variables" => c.variables as u64,
                _ => u64::from(c.time_ms),
            };
            let n = v
                .as_u64()
                .filter(|n| (1..=ceiling).contains(n))
                .ok_or_else(|| {
                    format!(
                        "limits: {key} must be a whole number from 1 to {ceiling}, not {}",
                        crate::json::text(v)
                    )
                })?;
            // In range of every target type: at most the ceiling.
            let size = usize::try_from(n).unwrap_or(usize::MAX);
            match key.as_str() {
                "operations" => l.operations = n,
                "call_levels" => l.call_levels = size,
                "string_size" => l.string_size = size,
                "array_size" => l.array_size = size,
                "map_size" => l.map_size = size,
                "variables" => l.variables = size,
                _ => l.time_ms = u32::try_from(n).unwrap_or(u32::MAX),
            }
        }
        Ok(l)
    }
}

/// A monotonic clock in milliseconds.
pub type Clock = fn() -> f64;

thread_local! {
    static CLOCK: Cell<Option<Clock>> = const { Cell::new(system_clock()) };
}

/// Sets the clock the time guard reads (`None`: no time guard). Natively it
/// is `std::time::Instant`; on wasm32 there is none until the binding sets
/// one (`Date.now`). The clock never reaches an answer: it can only stop a
/// rule that runs too long.
pub fn set_clock(clock: Option<Clock>) {
    CLOCK.with(|c| c.set(clock));
}

/// The clock the time guard reads until [`set_clock`] changes it:
/// `std::time::Instant` natively, none on wasm32 (where `Instant` would
/// panic).
#[cfg(not(target_arch = "wasm32"))]
pub const fn system_clock() -> Option<Clock> {
    Some(native_ms)
}

/// The clock the time guard reads until [`set_clock`] changes it:
/// `std::time::Instant` natively, none on wasm32 (where `Instant` would
/// panic).
#[cfg(target_arch = "wasm32")]
pub const fn system_clock() -> Option<Clock> {
    None
}

#[cfg(not(target_arch = "wasm32"))]
fn native_ms() -> f64 {
    use std::sync::OnceLock;
    use std::time::Instant;
    static EPOCH: OnceLock<Instant> = OnceLock::new();
    EPOCH.get_or_init(Instant::now).elapsed().as_secs_f64() * 1000.0
}

/// The value a run is terminated with when its time is up.
#[cfg(feature = "rhai")]
pub(crate) const TIME_UP: &str = "sandbox time limit";

/// The value a run is terminated with when it nears the end of the stack.
#[cfg(feature = "rhai")]
pub(crate) const STACK_UP: &str = "sandbox stack limit";

/// Bytes of stack one run may use, from its first operation on: a safety
/// net under `call_levels` and the expression depths. Their worst case,
/// every call level deep in an expression as deep as a function may nest
/// (`fn f(n) { (1+(1+(1+ ... f(n+1) ...))) }`), needs about 2 MB of the
/// module's stack in wasm at 64 levels, and more of the JS engine's own
/// stack than it has (V8 gives up at about 1.7 MB of the module's stack:
/// "Maximum call stack size exceeded"). Past either, the instance is left
/// broken for every later call. This stops such a rule first, with
/// `RULE_LIMIT` on call depth: plain recursion at 64 levels uses about
/// 150 KB, and each level of nesting around the recursive call about 1.5
/// KB more per level (measured in Node, tests/js/sandbox.test.mjs).
/// In wasm the module's stack is 2 MB (`-zstack-size` in
/// .cargo/config.toml), which leaves room above this for the host's
/// frames and for what a run does between two operations.
#[cfg(all(feature = "rhai", target_arch = "wasm32"))]
const STACK_BUDGET: usize = 768 << 10;
/// Natively, a run's stack is the calling thread's: 2 MB for a thread
/// Rust starts (the test harness's among them), 8 MB for a main thread.
#[cfg(all(feature = "rhai", not(target_arch = "wasm32")))]
const STACK_BUDGET: usize = 1 << 20;

/// Where the stack is now: the address of a local. The stack grows down,
/// so a deeper call has a lower address.
#[cfg(feature = "rhai")]
#[inline(never)]
fn stack_address() -> usize {
    let marker = 0u8;
    std::hint::black_box(&marker) as *const u8 as usize
}

/// How many operations pass between two looks at the clock.
#[cfg(feature = "rhai")]
const CLOCK_EVERY: u64 = 16;

#[cfg(feature = "rhai")]
rhai::def_package! {
    /// rhai's standard library without what rules about tickets have no
    /// use for: blobs (byte buffers) and bit fields. Smaller, and quicker to
    /// build on the first load.
    RulesPackage(lib):
        CorePackage,
        LogicPackage,
        BasicMathPackage,
        BasicArrayPackage,
        BasicMapPackage,
        MoreStringPackage
    {}
}

#[cfg(feature = "rhai")]
thread_local! {
    /// The standard library, built once per thread and shared by every
    /// engine: building it registers hundreds of functions.
    static STD: OnceCell<Shared<Module>> = const { OnceCell::new() };
}

/// A sandboxed engine with the standard library and `limits`.
///
/// No module resolver exists (`no_module`), `eval` is disabled (its errors
/// would have no file position), `print`/`debug` go nowhere, and reading an
/// undefined variable is an error at compile time, not a silent `()`.
#[cfg(feature = "rhai")]
pub fn engine(limits: &Limits) -> Engine {
    let mut engine = Engine::new_raw();
    let std = STD.with(|s| {
        s.get_or_init(|| RulesPackage::new().as_shared_module())
            .clone()
    });
    engine.register_global_module(std);
    engine
        .set_max_operations(limits.operations)
        .set_max_call_levels(limits.call_levels)
        .set_max_expr_depths(limits.expr_depth.0, limits.expr_depth.1)
        .set_max_string_size(limits.string_size)
        .set_max_array_size(limits.array_size)
        .set_max_map_size(limits.map_size)
        .set_max_variables(limits.variables)
        .set_strict_variables(true)
        .on_print(|_| {})
        .on_debug(|_, _, _| {});
    engine.disable_symbol("eval");
    super::bounded::register(&mut engine);
    let budget = (limits.time_ms > 0).then(|| f64::from(limits.time_ms));
    let started = Rc::new(Cell::new(0.0));
    let base = Rc::new(Cell::new(0usize));
    // rhai counts operations from 1 in each run (a file at load, a hook
    // call): the first one marks where the run's stack starts and starts
    // the stopwatch. Every step of rhai's recursion (an expression, a
    // statement, a call) is an operation, so the stack guard sees each.
    engine.on_progress(move |ops| {
        let here = stack_address();
        if ops == 1 {
            base.set(here);
        } else if base.get().saturating_sub(here) > STACK_BUDGET {
            return Some(Dynamic::from(STACK_UP));
        }
        let budget = budget?;
        let clock = CLOCK.with(Cell::get)?;
        if ops == 1 {
            started.set(clock());
        } else if ops % CLOCK_EVERY == 0 && clock() - started.get() > budget {
            return Some(Dynamic::from(TIME_UP));
        }
        None
    });
    engine
}
