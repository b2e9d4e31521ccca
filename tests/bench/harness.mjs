// A small benchmark harness: runs `fn` in batches until `ms` milliseconds
// have passed, `rounds` times, and reports the median rate. No timing is
// asserted anywhere: these figures go to BENCHMARKS.md.
export function measure(name, fn, { ms = 400, rounds = 5, unit = 1 } = {}) {
  // Warm up (JIT, wasm tier-up).
  const warmEnd = performance.now() + ms / 2;
  while (performance.now() < warmEnd) fn();
  const rates = [];
  for (let r = 0; r < rounds; r++) {
    let n = 0;
    const start = performance.now();
    let now = start;
    while (now - start < ms) {
      for (let i = 0; i < 64; i++) fn();
      n += 64;
      now = performance.now();
    }
    rates.push((n * unit) / ((now - start) / 1000));
  }
  rates.sort((a, b) => a - b);
  return { name, perSecond: rates[Math.floor(rates.length / 2)] };
}

export async function measureAsync(name, fn, { ms = 400, rounds = 5 } = {}) {
  const warmEnd = performance.now() + ms / 2;
  while (performance.now() < warmEnd) await fn();
  const rates = [];
  for (let r = 0; r < rounds; r++) {
    let n = 0;
    const start = performance.now();
    let now = start;
    while (now - start < ms) {
      for (let i = 0; i < 16; i++) await fn();
      n += 16;
      now = performance.now();
    }
    rates.push(n / ((now - start) / 1000));
  }
  rates.sort((a, b) => a - b);
  return { name, perSecond: rates[Math.floor(rates.length / 2)] };
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
