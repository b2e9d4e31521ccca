// Escalation evaluations from Node: the default pack's 8 levels (6 keyed
// to the SLA clocks, one to a status, one to inactivity) on a ticket with a
// realistic history and an alarm clock. `make bench` runs it.
import { RuleEngine } from 'ticket-rules';
import { measure, fmt } from './harness.mjs';

const engine = RuleEngine.default();
const ticket = {
  id: 'TT-2', type: 'incident', impact: 'Single Building affected', urgency: 'Work Impaired',
  service: 'File shares', openedAt: '2026-03-16T14:00:00Z',
  history: [
    { at: '2026-03-16T15:00:00Z', status: 'In Process', event: 'responded' },
    { at: '2026-03-17T14:00:00Z', status: 'Wait Vendor' },
    { at: '2026-03-23T18:00:00Z', status: 'In Process' },
  ],
  alarms: [{ at: '2026-03-19T13:00:00Z', message: 'Call the carrier back about circuit 7' }],
};
const now = '2026-03-24T15:00:00Z';
const first = engine.escalations(ticket, now);
const fired = first.due.map((d) => d.id);
const all = measure('escalations', () => engine.escalations(ticket, now));
const some = measure('escalations, fired passed back', () => engine.escalations(ticket, now, fired));
console.log('### Escalations, from Node\n');
console.log(`A ticket with 3 history events and an alarm, ${engine.escalations(ticket, now).due.length} escalations due, the default pack's 8 levels:\n`);
console.log('| what | rate |\n|---|---:|');
console.log(`| \`engine.escalations(ticket, now)\` | ${fmt(all.perSecond)} |`);
console.log(`| the same, passing back the ${fired.length} fired ids | ${fmt(some.perSecond)} |`);
console.log(`\nnode ${process.version}; command: \`node tests/bench/escalation.mjs\``);
