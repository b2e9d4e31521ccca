// The work queue from Node: 10,000 open tickets ranked in one call (issue 9:
// under 50 ms). A realistic mix from the default pack: every cell of the
// matrix, opened over the last five days, a third responded, a tenth
// waiting on a vendor. `make bench` runs it.
import { RuleEngine } from 'ticket-rules';

const engine = RuleEngine.default();
const impacts = ['Entire University affected', 'Multiple Buildings affected', 'Single Building affected', "Outside of Service's operating hours"];
const urgencies = ['Work Stopped - No workaround', 'Work Stopped - Workaround available', 'Work Impaired', 'Work not Impaired'];
const now = Date.parse('2026-03-20T16:00:00Z');
let seed = 7;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const tickets = Array.from({ length: 10000 }, (_, i) => {
  const opened = now - Math.floor(rand() * 5 * 86400) * 1000;
  const t = {
    id: `TT-${i}`, type: 'incident', impact: impacts[i % 4], urgency: urgencies[(i >> 2) % 4],
    openedAt: new Date(opened).toISOString().replace('.000Z', 'Z'), history: [],
  };
  if (i % 3 === 0) t.history.push({ at: new Date(opened + 600000).toISOString().replace('.000Z', 'Z'), event: 'responded' });
  if (i % 10 === 0) t.history.push({ at: new Date(opened + 1200000).toISOString().replace('.000Z', 'Z'), status: 'Wait Vendor' });
  return t;
});

const timed = () => {
  const s = process.hrtime.bigint();
  const r = engine.queue(tickets, new Date(now));
  return [Number(process.hrtime.bigint() - s) / 1e6, r];
};
const [first, q] = timed();
if (q.entries.length + q.notOpen.length + q.problems.length !== tickets.length || q.problems.length) {
  throw new Error(`queue lost tickets: ${JSON.stringify(q.problems.slice(0, 3))}`);
}
// V8 runs wasm first as baseline code and recompiles a hot function
// optimised in the background; for a call this long that takes ~15 calls
// here. The first calls are reported apart, the rest after 25 calls.
const early = [first];
for (let round = 1; round < 25; round++) early.push(timed()[0]);
const times = [];
for (let round = 0; round < 15; round++) times.push(timed()[0]);
times.sort((a, b) => a - b);
// The best of 15 calls (see harness.mjs on why the best), and the median.
const [best, median] = [times[0], times[7]];
const firstFive = early.slice(0, 5).sort((a, b) => a - b)[2];
console.log('### Work queue, from Node\n');
console.log('| what | ms (best of 15) | ms (median) | tickets/s (best) |');
console.log('|---|---:|---:|---:|');
console.log(`| \`engine.queue(10,000 open tickets, now)\`, one call, after 25 calls | ${best.toFixed(1)} | ${median.toFixed(1)} | ${(10000 / best).toFixed(0)} k/s |`);
console.log(`\nThe first call took ${first.toFixed(1)} ms, the median of the first five ${firstFive.toFixed(1)} ms (before V8 optimises the wasm). Breached: ${q.entries.filter((e) => e.state === 'breached').length}, paused: ${q.entries.filter((e) => e.state === 'paused').length}, of ${q.entries.length}. Target (issue 9): under 50 ms. node ${process.version}; command: \`node tests/bench/queue.mjs\``);
