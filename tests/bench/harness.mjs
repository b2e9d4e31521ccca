// A small benchmark harness: warms `fn` up, then runs it in `rounds` rounds
// of `ms` milliseconds each and reports the best round's rate. The best
// round, not the median: this machine is shared, and a neighbour's load
// only ever slows a round down, so the fastest round is the least
// disturbed measurement of the code (repeat runs agree within a few
// percent this way; medians moved by up to 2x). Every contender is
// measured the same way. No timing is asserted anywhere: these figures go
// to BENCHMARKS.md.

/** Calls per ~1 ms, learnt while warming up (JIT, wasm tier-up). */
function warmUp(fn, ms) {
  let calls = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    fn();
    calls++;
    now = performance.now();
  }
  return Math.max(1, Math.round(calls / (now - start)));
}

export function measure(name, fn, { ms = 60, rounds = 25, unit = 1 } = {}) {
  const batch = warmUp(fn, 250);
  let best = 0;
  for (let r = 0; r < rounds; r++) {
    let n = 0;
    const start = performance.now();
    let now = start;
    while (now - start < ms) {
      for (let i = 0; i < batch; i++) fn();
      n += batch;
      now = performance.now();
    }
    best = Math.max(best, (n * unit) / ((now - start) / 1000));
  }
  return { name, perSecond: best };
}

export async function measureAsync(name, fn, { ms = 60, rounds = 25 } = {}) {
  let calls = 0;
  const warmStart = performance.now();
  while (performance.now() - warmStart < 250) {
    await fn();
    calls++;
  }
  const batch = Math.max(1, Math.round(calls / 250));
  let best = 0;
  for (let r = 0; r < rounds; r++) {
    let n = 0;
    const start = performance.now();
    let now = start;
    while (now - start < ms) {
      for (let i = 0; i < batch; i++) await fn();
      n += batch;
      now = performance.now();
    }
    best = Math.max(best, n / ((now - start) / 1000));
  }
  return { name, perSecond: best };
}

/**
 * Measures each of `cases` (`[name, fn, options]`, `options.async` for a
 * function returning a promise) `passes` times in turn (A B C, A B C, ...)
 * and keeps each one's best: a slow stretch of the machine, which can last
 * seconds here, then costs every contender alike instead of whichever was
 * running in it, so the ratios of one run hold.
 */
export async function compare(cases, { passes = 3, rounds = 10 } = {}) {
  const best = cases.map(([name]) => ({ name, perSecond: 0 }));
  for (let p = 0; p < passes; p++) {
    for (const [k, [name, fn, options = {}]] of cases.entries()) {
      const o = { rounds, ...options };
      const r = o.async ? await measureAsync(name, fn, o) : measure(name, fn, o);
      best[k].perSecond = Math.max(best[k].perSecond, r.perSecond);
    }
  }
  return best;
}

export function fmt(rate) {
  if (rate >= 1e6) return `${(rate / 1e6).toFixed(2)} M/s`;
  if (rate >= 1e3) return `${(rate / 1e3).toFixed(1)} k/s`;
  return `${rate.toFixed(0)} /s`;
}

export function table(rows, baseline) {
  const base = rows.find((r) => r.name === baseline)?.perSecond;
  const lines = ['| what | rate | vs ' + baseline + ' |', '|---|---:|---:|'];
  for (const r of rows) {
    const ratio = base ? `${(r.perSecond / base).toFixed(r.perSecond / base >= 10 ? 0 : 2)}x` : '';
    lines.push(`| ${r.name} | ${fmt(r.perSecond)} | ${ratio} |`);
  }
  return lines.join('\n');
}
