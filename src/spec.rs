//! Small helpers for reading the maps a pack's declarations pass (as JSON):
//! one wording for the same mistakes everywhere; and for writing the text
//! of answers (placeholders, numbers) without the formatting machinery.

use serde_json::{Map, Value};

/// Refuses a key that is not in `allowed`, naming the ones that are.
pub(crate) fn unknown_keys(
    o: &Map<String, Value>,
    allowed: &[&str],
    what: &str,
) -> Result<(), String> {
    match o.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(k) => Err(format!(
            "unknown key `{k}` in {what} (expected {})",
            allowed.join(", ")
        )),
        None => Ok(()),
    }
}

/// A string or a list of strings, as a list.
pub(crate) fn strings(v: &Value, key: &str) -> Result<Vec<String>, String> {
    match v {
        Value::String(s) => Ok(vec![s.clone()]),
        Value::Array(a) => a
            .iter()
            .map(|x| {
                x.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| format!("`{key}` lists strings"))
            })
            .collect(),
        _ => Err(format!("`{key}` is a string or a list of strings")),
    }
}

/// Fills each `{name}` in `template` with `value(name)`; a name without a
/// value stays as written, so a mistake shows.
pub(crate) fn fill_placeholders(template: &str, value: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else {
            break;
        };
        out.push_str(&rest[..open]);
        match value(rest[open + 1..close].trim()) {
            Some(v) => out.push_str(&v),
            None => out.push_str(&rest[open..=close]),
        }
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

/// `n` in decimal, as `{}` writes it (without the formatting machinery:
/// it runs several times per ticket in a queue of thousands, and for every
/// escalation id).
pub(crate) fn push_number(out: &mut String, n: u64) {
    let mut unit = 1;
    while n / unit >= 10 {
        unit *= 10;
    }
    loop {
        #[allow(clippy::cast_possible_truncation)] // a digit
        let digit = (n / unit % 10) as u8;
        out.push(char::from(b'0' + digit));
        if unit == 1 {
            break;
        }
        unit /= 10;
    }
}

/// `x` as `{}` writes it. Without rhai (the slim build), this is the only
/// place a float becomes text, and it does without the standard library's
/// float formatting (10 KB of wasm): JSON's writer gives the same shortest
/// digits that read back as `x`, written out in plain notation as `{}`
/// does (`1e21` in full, `1e-7` as `0.0000001`); only where two equally
/// short texts are equally near `x` may it round the last digit the other
/// way (65 of 200,000 random floats, none of them a value the engine
/// writes: whole milliseconds, tenths of a percent). With rhai, which
/// links that formatting anyway, it is `{}` itself.
pub(crate) fn float_text(out: &mut String, x: f64) {
    #[cfg(feature = "rhai")]
    {
        use std::fmt::Write as _;
        let _ = write!(out, "{x}");
    }
    #[cfg(not(feature = "rhai"))]
    plain_float(out, x);
}

/// [`float_text`] as a string of its own (for an error's text).
pub(crate) fn float_string(x: f64) -> String {
    let mut text = String::new();
    float_text(&mut text, x);
    text
}

/// [`float_text`] from JSON's digits.
#[cfg_attr(feature = "rhai", allow(dead_code))]
pub(crate) fn plain_float(out: &mut String, x: f64) {
    if x.is_nan() {
        return out.push_str("NaN");
    }
    if x.is_infinite() {
        return out.push_str(if x > 0.0 { "inf" } else { "-inf" });
    }
    let Some(n) = serde_json::Number::from_f64(x) else {
        return;
    };
    let json = n.to_string();
    let (mantissa, exponent) = match json.split_once('e') {
        Some((m, e)) => (m, e.parse::<i32>().unwrap_or(0)),
        None => (json.strip_suffix(".0").unwrap_or(&json), 0),
    };
    let (sign, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => ("-", m),
        None => ("", mantissa),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    out.push_str(sign);
    let zeros = |out: &mut String, n: usize| out.extend(std::iter::repeat_n('0', n));
    match usize::try_from(exponent) {
        // 1.5e+300: the digits, then zeros.
        Ok(e) if e >= fraction.len() => {
            out.push_str(whole);
            out.push_str(fraction);
            zeros(out, e - fraction.len());
        }
        // 1.25e+1: the point moves into the digits.
        Ok(e) => {
            out.push_str(whole);
            let (left, right) = fraction.split_at_checked(e).unwrap_or((fraction, ""));
            out.push_str(left);
            if !right.is_empty() {
                out.push('.');
                out.push_str(right);
            }
        }
        // 1.5e-7: zeros after the point, then the digits.
        Err(_) => {
            out.push_str("0.");
            // JSON writes one digit before the point here; `saturating_sub`
            // so that no other form could underflow.
            zeros(
                out,
                (exponent.unsigned_abs() as usize).saturating_sub(whole.len()),
            );
            out.push_str(whole);
            out.push_str(fraction);
        }
    }
}

#[cfg(test)]
mod tests {
    /// JSON's digits written plainly are what `{}` writes, for the values
    /// around every edge and for a spread of random bit patterns; but for
    /// a rare tie between two equally short texts, rounded the other way.
    #[test]
    fn plain_float_writes_what_display_writes() {
        let mut xs = vec![
            0.0,
            -0.0,
            1.0,
            -1.0,
            0.5,
            0.05,
            1e-5,
            1e-7,
            1.5e-7,
            2.5e-300,
            5e-324,
            0.1 + 0.2,
            1.0 / 3.0,
            12.5,
            123_456.789,
            1e15,
            1e16,
            1.5e16,
            1e21,
            -1e21,
            1e37,
            1.5e300,
            f64::MAX,
            f64::MIN_POSITIVE,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ];
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..200_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            xs.push(f64::from_bits(state));
        }
        let mut ties = 0;
        for x in xs {
            let mut got = String::new();
            super::plain_float(&mut got, x);
            let want = format!("{x}");
            if got == want {
                continue;
            }
            // Where two shortest texts are equally near, the two writers
            // may round the last digit differently; both read back as x.
            let (g, w) = (got.as_bytes(), want.as_bytes());
            let last_digit_only = g.len() == w.len()
                && g.get(..g.len() - 1) == w.get(..w.len() - 1)
                && g.last()
                    .zip(w.last())
                    .is_some_and(|(a, b)| a.abs_diff(*b) == 1);
            assert!(
                last_digit_only && got.parse::<f64>() == Ok(x),
                "{x:?}: {got} against {want}"
            );
            ties += 1;
        }
        // 65 of these 200,027 values.
        assert!(ties < 200, "{ties} ties");
    }
}
