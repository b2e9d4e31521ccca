//! The standard library's string splitters, bounded.
//!
//! rhai checks an array's size after the function that built it returns:
//! `description.split("")` on a 10 MB ticket field builds 10 million
//! strings first (two seconds in wasm), then fails. These replacements
//! behave exactly like rhai's own (the same edge cases, the same results)
//! but stop at the sandbox's array size, before the work is done.
//! Functions registered on the engine shadow the standard package's.

use rhai::{Array, Dynamic, Engine, EvalAltResult, ImmutableString, NativeCallContext, INT};

type Out = Result<Array, Box<EvalAltResult>>;

/// Collects `items`, failing as soon as there are more than the engine's
/// array size limit allows.
fn bounded(ctx: &NativeCallContext, items: impl Iterator<Item = Dynamic>) -> Out {
    let max = ctx.engine().max_array_size();
    let mut out = Array::new();
    for item in items {
        if max > 0 && out.len() >= max {
            return Err(Box::new(EvalAltResult::ErrorDataTooLarge(
                "Size of array".into(),
                ctx.call_position(),
            )));
        }
        out.push(item);
    }
    Ok(out)
}

fn segments(n: INT) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

/// Registers the bounded splitters on `engine`.
pub(crate) fn register(engine: &mut Engine) {
    engine.register_fn("to_chars", |ctx: NativeCallContext, s: &str| {
        let out = bounded(&ctx, s.chars().map(Into::<Dynamic>::into));
        out
    });
    engine.register_fn("split", |ctx: NativeCallContext, s: ImmutableString| {
        if s.is_empty() {
            return Ok(vec![s.into()]);
        }
        let out = bounded(&ctx, s.split_whitespace().map(Into::<Dynamic>::into));
        out
    });
    engine.register_fn(
        "split",
        |ctx: NativeCallContext, s: ImmutableString, d: &str| {
            if s.is_empty() || (!d.is_empty() && !s.contains(d)) {
                return Ok(vec![s.into()]);
            }
            let out = bounded(&ctx, s.split(d).map(Into::<Dynamic>::into));
            out
        },
    );
    engine.register_fn(
        "split",
        |ctx: NativeCallContext, s: ImmutableString, d: &str, n: INT| {
            if n <= 1 || s.is_empty() || (!d.is_empty() && !s.contains(d)) {
                return Ok(vec![s.into()]);
            }
            let out = bounded(&ctx, s.splitn(segments(n), d).map(Into::<Dynamic>::into));
            out
        },
    );
    engine.register_fn(
        "split",
        |ctx: NativeCallContext, s: ImmutableString, d: char| {
            if s.is_empty() || !s.contains(d) {
                return Ok(vec![s.into()]);
            }
            let out = bounded(&ctx, s.split(d).map(Into::<Dynamic>::into));
            out
        },
    );
    engine.register_fn(
        "split",
        |ctx: NativeCallContext, s: ImmutableString, d: char, n: INT| {
            if n <= 1 || s.is_empty() || !s.contains(d) {
                return Ok(vec![s.into()]);
            }
            let out = bounded(&ctx, s.splitn(segments(n), d).map(Into::<Dynamic>::into));
            out
        },
    );
    engine.register_fn(
        "split_rev",
        |ctx: NativeCallContext, s: ImmutableString, d: &str| {
            if s.is_empty() || (!d.is_empty() && !s.contains(d)) {
                return Ok(vec![s.into()]);
            }
            let out = bounded(&ctx, s.rsplit(d).map(Into::<Dynamic>::into));
            out
        },
    );
    engine.register_fn(
        "split_rev",
        |ctx: NativeCallContext, s: ImmutableString, d: &str, n: INT| {
            if n <= 1 || s.is_empty() || (!d.is_empty() && !s.contains(d)) {
                return Ok(vec![s.into()]);
            }
            let out = bounded(&ctx, s.rsplitn(segments(n), d).map(Into::<Dynamic>::into));
            out
        },
    );
    engine.register_fn(
        "split_rev",
        |ctx: NativeCallContext, s: ImmutableString, d: char| {
            if s.is_empty() || !s.contains(d) {
                return Ok(vec![s.into()]);
            }
            let out = bounded(&ctx, s.rsplit(d).map(Into::<Dynamic>::into));
            out
        },
    );
    engine.register_fn(
        "split_rev",
        |ctx: NativeCallContext, s: ImmutableString, d: char, n: INT| {
            if n <= 1 || s.is_empty() || !s.contains(d) {
                return Ok(vec![s.into()]);
            }
            let out = bounded(&ctx, s.rsplitn(segments(n), d).map(Into::<Dynamic>::into));
            out
        },
    );
}
