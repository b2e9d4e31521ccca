//! The standard library's string splitters and `replace`, bounded.
//!
//! rhai checks a value's size after the function that built it returns:
//! `description.split("")` on a 10 MB ticket field builds 10 million
//! strings first (two seconds in wasm), then fails, and one `replace` of
//! each of 20,000 characters by a 250,000-character string would build 5 GB
//! (and run the module out of memory) before any check. These replacements
//! behave exactly like rhai's own (the same edge cases, the same results)
//! but stop at the sandbox's array or string size, before the work is
//! done. Functions registered on the engine shadow the standard package's.
//!
//! Only a replacement by a string can multiply a string's length; by a
//! char (at most 4 bytes, for a match of at least 1 byte, or at each of
//! the n + 1 boundaries for an empty one) a result is at most about five
//! times the string, like the other string functions' (`pad` checks its
//! length first, `to_upper` at most triples it): rhai's check after them
//! holds the memory they take to a few times the limit.

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

/// `s` with every `find` replaced by `by`, as rhai's `replace` does it (an
/// empty string stays empty), unless the result would be longer than the
/// engine's string size limit (in bytes, as rhai counts it): then the
/// same error rhai raises after the fact, before any of it is built.
fn replace(
    ctx: &NativeCallContext,
    s: &mut ImmutableString,
    find: &str,
    by: &str,
) -> Result<(), Box<EvalAltResult>> {
    if s.is_empty() {
        return Ok(());
    }
    let max = ctx.engine().max_string_size();
    if max > 0 && by.len() > find.len() {
        // Matches as `str::replace` finds them: left to right, not
        // overlapping (an empty `find` matches at every char boundary).
        let count = s.matches(find).count();
        let grown = count.saturating_mul(by.len() - find.len());
        if s.len().saturating_add(grown) > max {
            return Err(Box::new(EvalAltResult::ErrorDataTooLarge(
                "Length of string".into(),
                ctx.call_position(),
            )));
        }
    }
    *s = s.replace(find, by).into();
    Ok(())
}

fn segments(n: INT) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

/// Registers the bounded splitters and `replace` (by a string) on `engine`.
pub(crate) fn register(engine: &mut Engine) {
    engine.register_fn(
        "replace",
        |ctx: NativeCallContext, s: &mut ImmutableString, find: &str, by: &str| {
            replace(&ctx, s, find, by)
        },
    );
    engine.register_fn(
        "replace",
        |ctx: NativeCallContext, s: &mut ImmutableString, find: char, by: &str| {
            replace(&ctx, s, find.encode_utf8(&mut [0; 4]), by)
        },
    );
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

#[cfg(test)]
mod tests {
    use crate::pack::sandbox::{engine, Limits};

    #[track_caller]
    fn eval(src: &str) -> String {
        engine(&Limits::LOAD).eval::<String>(src).unwrap()
    }

    #[test]
    fn replace_gives_what_rhai_gives() {
        // rhai's own answers (its string package, before these shadowed it).
        assert_eq!(
            eval(r#"let s = "hello"; s.replace("l", "LL"); s"#),
            "heLLLLo"
        );
        assert_eq!(eval(r#"let s = "hello"; s.replace("ll", 'L'); s"#), "heLo");
        assert_eq!(
            eval(r#"let s = "hello"; s.replace('l', "(^)"); s"#),
            "he(^)(^)o"
        );
        assert_eq!(eval(r#"let s = "hello"; s.replace('l', '*'); s"#), "he**o");
        assert_eq!(eval(r#"let s = "ab"; s.replace("", "-"); s"#), "-a-b-");
        assert_eq!(eval(r#"let s = ""; s.replace("", "-"); s"#), "");
        assert_eq!(eval(r#"let s = "aaa"; s.replace("aa", "b"); s"#), "ba");
        assert_eq!(
            eval(r#"let s = "héllo"; s.replace('é', "ee"); s"#),
            "heello"
        );
    }

    #[test]
    fn replace_refuses_a_result_over_the_string_size_before_building_it() {
        let mut limits = Limits::LOAD;
        limits.string_size = 10;
        let e = engine(&limits);
        // Exactly at the limit is fine; one byte over is not.
        let ok = e.eval::<String>(r#"let s = "xxxxx"; s.replace("x", "yy"); s"#);
        assert_eq!(ok.unwrap(), "yyyyyyyyyy");
        for src in [
            r#"let s = "xxxxx"; s.replace("x", "yyy"); s"#,
            r#"let s = "xxxxx"; s.replace('x', "yyy"); s"#,
            r#"let s = "xxxxx"; s.replace("x", 'é'); s.replace("é", "éé"); s"#,
            r#"let s = "xxxx"; s.replace("", "yy"); s"#,
        ] {
            let err = e.eval::<String>(src).unwrap_err();
            assert!(
                matches!(*err, rhai::EvalAltResult::ErrorDataTooLarge(..)),
                "{src}: {err}"
            );
        }
    }
}
