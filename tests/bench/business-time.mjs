// +16 business hours from 1,000 starts in New York (Mon-Fri 08:00-17:00,
// 7 holidays): ticket-rules (wasm, from Node) side by side with
// moment-business-time and dayjs-business-time, in one run. Every answer
// is also checked against an independent minute-by-minute oracle written
// here (New York's 2026 UTC offsets are hard-coded from the tz rules), and
// the wrong ones counted. `make bench` runs it; figures go to BENCHMARKS.md.
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { Calendar, RuleEngine } from 'ticket-rules';
import { measure, table } from './harness.mjs';

const ZONE = 'America/New_York';
const HOLIDAYS = ['2026-01-01', '2026-01-19', '2026-05-25', '2026-07-03', '2026-09-07', '2026-11-26', '2026-12-25'];
const HOURS = 16;

// 1,000 starts across 2026 on whole minutes (a fixed generator: the same
// starts every run), so DST weeks and holidays are in.
let seed = 42;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const base = Date.parse('2026-01-01T00:00:00Z');
const starts = Array.from({ length: 1000 }, () => new Date(base + Math.floor(rand() * 364 * 24 * 60) * 60_000).toISOString().replace('.000Z', 'Z'));

// --- the oracle: New York local time from the 2026 rules, minute by minute.
const DST_START = Date.parse('2026-03-08T07:00:00Z');
const DST_END = Date.parse('2026-11-01T06:00:00Z');
const offsetMin = (ms) => (ms >= DST_START && ms < DST_END ? -240 : -300);
function openAt(ms) {
  const local = new Date(ms + offsetMin(ms) * 60_000);
  const day = local.getUTCDay();
  if (day === 0 || day === 6) return false;
  if (HOLIDAYS.includes(local.toISOString().slice(0, 10))) return false;
  const minute = local.getUTCHours() * 60 + local.getUTCMinutes();
  return minute >= 8 * 60 && minute < 17 * 60;
}
function oracle(start) {
  let ms = Date.parse(start);
  let left = HOURS * 60;
  for (;;) {
    if (openAt(ms)) left -= 1;
    ms += 60_000;
    if (left === 0) return new Date(ms).toISOString().replace('.000Z', 'Z');
  }
}
const expected = starts.map(oracle);

// --- ticket-rules
const cal = Calendar.fromObject({ timezone: ZONE, weekly: { 'mon-fri': ['08:00-17:00'] }, holidays: HOLIDAYS });
const ours = (s) => cal.add(s, HOURS * 3600);

// --- the JS libraries, each in a worker with a deadline per call.
const DEADLINE_MS = 2000;
class Lib {
  constructor(lib) {
    this.lib = lib;
    this.spawn();
  }
  spawn() {
    this.worker = new Worker(new URL('./business-time-libs.mjs', import.meta.url), {
      workerData: { zone: ZONE, holidays: HOLIDAYS, hours: HOURS, lib: this.lib },
    });
  }
  ask(msg, deadline) {
    return new Promise((ok) => {
      const timer = setTimeout(() => {
        this.worker.removeAllListeners('message');
        this.worker.terminate();
        this.spawn();
        ok(null);
      }, deadline);
      this.worker.once('message', (m) => {
        clearTimeout(timer);
        ok(m);
      });
      this.worker.postMessage(msg);
    });
  }
}

const results = {};
const hung = {};
const wrong = {};
const examples = {};
const libs = { 'moment-business-time addWorkingTime': new Lib('moment'), 'dayjs-business-time addBusinessHours': new Lib('dayjs') };
results['ticket-rules Calendar.add'] = starts.map((s) => ours(s));
for (const [name, lib] of Object.entries(libs)) {
  results[name] = [];
  for (const s of starts) {
    const m = await lib.ask({ start: s }, DEADLINE_MS);
    results[name].push(m ? m.out : 'hung');
  }
}
for (const [name, outs] of Object.entries(results)) {
  wrong[name] = 0;
  hung[name] = 0;
  for (const [k, got] of outs.entries()) {
    if (got === 'hung') hung[name] += 1;
    if (got !== expected[k]) {
      wrong[name] += 1;
      examples[name] ??= `start ${starts[k]}: got ${got}, expected ${expected[k]}`;
    }
  }
}

let i = 0;
const rows = [measure('ticket-rules Calendar.add', () => ours(starts[(i = (i + 1) % starts.length)]))];
for (const [name, lib] of Object.entries(libs)) {
  // Speed over the starts that finish (a hung call has no speed).
  const ok = starts.filter((_, k) => results[name][k] !== 'hung');
  const m = await lib.ask({ bench: ok }, 60_000);
  rows.push({ name, perSecond: m ? m.rate : NaN });
  await lib.worker.terminate();
}
// The curve: cost against the duration added (ticket-rules, one start).
const curve = [1, 16, 100, 1000].map((h) => {
  const r = measure(`ticket-rules add ${h} h`, () => cal.add(starts[(i = (i + 1) % starts.length)], h * 3600));
  return [h, r.perSecond];
});

console.log(`### +${HOURS} business hours, New York, 7 holidays, 1,000 starts (from Node)\n`);
const lines = table(rows, 'moment-business-time addWorkingTime').split('\n');
lines[0] += ' wrong of 1,000 | of which hung |';
lines[1] += '---:|---:|';
for (const [k, r] of rows.entries()) lines[k + 2] += ` ${wrong[r.name]} | ${hung[r.name]} |`;
console.log(lines.join('\n'));
for (const [name, ex] of Object.entries(examples)) console.log(`\n- ${name}, first wrong answer: ${ex}`);
console.log('\nCost against the duration added (ticket-rules, same starts):\n');
console.log('| hours added | adds/s | vs 1 h |\n|---:|---:|---:|');
for (const [h, r] of curve) console.log(`| ${h} | ${(r / 1000).toFixed(1)} k/s | ${(curve[0][1] / r).toFixed(2)}x the time |`);
// Whole SLA clocks of a ticket with a history (both clocks, a customer
// wait, business hours): what a server does per ticket.
const engine = RuleEngine.default();
const ticket = {
  id: 'TT-1042', impact: 'Single Building affected', urgency: 'Work Impaired', openedAt: '2026-03-16T14:00:00Z',
  history: [
    { at: '2026-03-16T15:00:00Z', status: 'In Process', event: 'responded' },
    { at: '2026-03-16T18:00:00Z', status: 'Wait Customer' },
    { at: '2026-03-17T14:00:00Z', status: 'In Process' },
  ],
};
const slaRate = measure('sla', () => engine.sla(ticket, '2026-03-17T16:00:00Z')).perSecond;
const explainRate = measure('explain', () => engine.explainSla(ticket, '2026-03-17T16:00:00Z')).perSecond;
console.log(`\nSLA clocks of a ticket with a 3-event history: \`engine.sla\` ${(slaRate / 1000).toFixed(1)} k/s, \`engine.explainSla\` ${(explainRate / 1000).toFixed(1)} k/s.`);

const v = (p) => JSON.parse(readFileSync(new URL(`../node_modules/${p}/package.json`, import.meta.url))).version;
console.log(`\nmoment ${v('moment')}, moment-timezone ${v('moment-timezone')}, moment-business-time ${v('moment-business-time')}, dayjs ${v('dayjs')}, dayjs-business-time ${v('dayjs-business-time')}, node ${process.version}; command: \`node tests/bench/business-time.mjs\``);
if (wrong['ticket-rules Calendar.add'] !== 0) {
  console.error('ticket-rules disagrees with the oracle');
  process.exitCode = 1;
}
