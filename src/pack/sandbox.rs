//! The rhai engine a pack runs in: the standard library, no I/O, no
//! clock, and limits on everything that can grow.

use std::cell::OnceCell;

use rhai::packages::{Package, StandardPackage};
use rhai::{Engine, Module, Shared};

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
    /// Characters in one string a rule builds.
    pub string_size: usize,
    /// Elements in one array a rule builds.
    pub array_size: usize,
    /// Entries in one map a rule builds.
    pub map_size: usize,
    /// Variables in scope at once.
    pub variables: usize,
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
    };

    /// Limits for one hook call on one ticket. 100,000 operations take a
    /// few milliseconds in wasm: a runaway hook is stopped long before a
    /// page would notice.
    pub const HOOK: Limits = Limits {
        operations: 100_000,
        call_levels: 32,
        expr_depth: (64, 48),
        // Tickets may carry long free text; a hook may copy it, not grow it
        // without end.
        string_size: 16 << 20,
        array_size: 10_000,
        map_size: 10_000,
        variables: 500,
    };
}

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
pub fn engine(limits: &Limits) -> Engine {
    let mut engine = Engine::new_raw();
    let std = STD.with(|s| {
        s.get_or_init(|| StandardPackage::new().as_shared_module())
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
    engine
}
