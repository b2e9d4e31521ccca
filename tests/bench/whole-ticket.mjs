// Whole-ticket evaluation from Node: what a server does when a ticket
// changes (or a host's timer fires): priority, both SLA clocks,
// escalations due and the form's validation, for one incident with a
// realistic history, an alarm clock and a full form. Four calls through
// the boundary; the native figure is in `cargo bench --bench
// business_time`. `make bench` runs it.
import { RuleEngine } from 'ticket-rules';
import { compare, fmt } from './harness.mjs';
import { incident, now } from './tickets.mjs';

const engine = RuleEngine.default();
// The escalation benchmark's incident, with its form filled in.
const ticket = {
  ...incident,
  summary: 'Finance shared drive unreachable',
  description: 'Since 9:00 nobody in Finance can open the payroll folder.',
  component: 'nas-fin-1',
  contact: { name: 'Pat Doe', email: 'pat@example.edu', phone: '7035551234' },
};

function whole(t) {
  const v = engine.validate(t);
  return { priority: engine.priority(t), sla: engine.sla(t, now), escalations: engine.escalations(t, now), valid: v.valid, errors: v.errors };
}

// The answer is what it should be before it is timed.
const first = whole(ticket);
if (!first.valid || first.escalations.due.length === 0 || !first.sla.resolve) {
  throw new Error(`unexpected answer: ${JSON.stringify(first).slice(0, 400)}`);
}

const rows = await compare([
  ['priority(ticket)', () => engine.priority(ticket)],
  ['sla(ticket, now)', () => engine.sla(ticket, now)],
  ['escalations(ticket, now)', () => engine.escalations(ticket, now)],
  ['validate(ticket)', () => engine.validate(ticket)],
  ['all four (whole ticket)', () => whole(ticket)],
]);
console.log('### Whole-ticket evaluation, from Node\n');
console.log(`An incident with 3 history events, an alarm and a full form; ${first.escalations.due.length} escalations due, valid:\n`);
console.log('| what | rate | µs per ticket |\n|---|---:|---:|');
for (const r of rows) console.log(`| \`${r.name}\` | ${fmt(r.perSecond)} | ${(1e6 / r.perSecond).toFixed(1)} |`);
console.log(`\nnode ${process.version}; command: \`node tests/bench/whole-ticket.mjs\``);
