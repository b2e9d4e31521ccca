// Escalation evaluations from Node: the default pack's 8 levels (6 keyed
// to the SLA clocks, one to a status, one to inactivity) on a ticket with a
// realistic history and an alarm clock. `make bench` runs it.
import { RuleEngine } from 'ticket-rules';
import { compare, fmt } from './harness.mjs';
import { incident, now } from './tickets.mjs';

const engine = RuleEngine.default();
const ticket = incident;
const first = engine.escalations(ticket, now);
const fired = first.due.map((d) => d.id);
const [all, some] = await compare([
  ['escalations', () => engine.escalations(ticket, now)],
  ['escalations, fired passed back', () => engine.escalations(ticket, now, fired)],
]);
console.log('### Escalations, from Node\n');
console.log(`A ticket with 3 history events and an alarm, ${engine.escalations(ticket, now).due.length} escalations due, the default pack's 8 levels:\n`);
console.log('| what | rate |\n|---|---:|');
console.log(`| \`engine.escalations(ticket, now)\` | ${fmt(all.perSecond)} |`);
console.log(`| the same, passing back the ${fired.length} fired ids | ${fmt(some.perSecond)} |`);
console.log(`\nnode ${process.version}; command: \`node tests/bench/escalation.mjs\``);
