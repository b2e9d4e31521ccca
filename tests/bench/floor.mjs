// The boundary's floor: what `escalations` and `validate` cost from Node
// when their evaluation is free. A build with the `bench-floor` feature
// (`make bench-floor`, target/floor/pkg) adds methods that read the ticket
// in as the real ones do (`JSON.stringify`, copied into wasm, parsed) and
// build the same answer in JS (from a tape), but evaluate only once and
// answer from a cache; `floorRead` only reads the ticket in. Against the
// targets of issues 4 (escalations >= 200,000/s) and 5 (validation faster
// than zod), measured in one run. `make bench` runs it.
import { createRequire } from 'node:module';
import { isDeepStrictEqual } from 'node:util';
import { compare, fmt } from './harness.mjs';
import { valid, zodSchema } from './forms.mjs';
import { incident, now } from './tickets.mjs';

const require = createRequire(import.meta.url);
const { RuleEngine } = require('../../target/floor/pkg/ticket_rules.js');

const engine = RuleEngine.default();
const zod = zodSchema(engine);
const fired = engine.escalations(incident, now).due.map((d) => d.id);

// The cached answers are the real ones, and stay so.
for (let i = 0; i < 2; i++) {
  if (!isDeepStrictEqual(engine.floorEscalations(incident, now), engine.escalations(incident, now))) {
    throw new Error('floorEscalations answers otherwise than escalations');
  }
  if (!isDeepStrictEqual(engine.floorValidate(valid), engine.validate(valid))) {
    throw new Error('floorValidate answers otherwise than validate');
  }
}
if (!zod.safeParse(valid).success || !engine.validate(valid).valid || !engine.floorRead(incident)) {
  throw new Error('a contender refuses the valid ticket');
}

const rows = await compare([
  ['`escalations(ticket, now)`, 4 due', () => engine.escalations(incident, now)],
  ['the same, evaluation free (cached)', () => engine.floorEscalations(incident, now)],
  ['`escalations(ticket, now, fired)`, 0 due', () => engine.escalations(incident, now, fired)],
  ['reading the ticket in only', () => engine.floorRead(incident)],
  ['`JSON.stringify(ticket)` only', () => JSON.stringify(incident)],
  ['`validate(form)`', () => engine.validate(valid)],
  ['the same, evaluation free (cached)', () => engine.floorValidate(valid)],
  ['reading the form in only', () => engine.floorRead(valid)],
  ['zod 3 safeParse (the whole validation)', () => zod.safeParse(valid)],
]);
const us = (r) => (1e6 / r.perSecond).toFixed(2);
const budget = { esc: 5, val: 1e6 / rows[8].perSecond };
const share = (r, b) => `${((1e6 / r.perSecond / b) * 100).toFixed(0)}%`;
console.log("### The boundary's floor, from Node\n");
console.log('The escalation ticket (3 history events, an alarm) and the valid incident form. "Evaluation free": the first call\'s answer kept and crossed again. Budget: the time a call may take to meet the target (issue 4: 200,000 escalations a second, 5.00 µs; issue 5: faster than zod, whose whole validation of the form takes ' + `${us(rows[8])} µs in this run):\n`);
console.log('| what | rate | µs a call | of the budget |\n|---|---:|---:|---:|');
rows.forEach((r, i) => console.log(`| ${r.name} | ${fmt(r.perSecond)} | ${us(r)} | ${i === 4 || i === 8 ? '' : share(r, i < 5 ? budget.esc : budget.val)} |`));
console.log(`\nnode ${process.version}; command: \`make bench-floor && node tests/bench/floor.mjs\``);
