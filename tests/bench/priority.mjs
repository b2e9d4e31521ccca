// Priority from the 4x4 matrix: ticket-rules (wasm, from Node) side by side
// with json-rules-engine and a plain JS object lookup, on the same tickets,
// in one run. `make bench` runs it; figures go to BENCHMARKS.md.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { Engine } from 'json-rules-engine';
import { ZenEngine } from '@gorules/zen-engine';
import { RuleEngine, readRulesDir } from 'ticket-rules';
import { compare, measure, table } from './harness.mjs';

const cases = JSON.parse(readFileSync(new URL('../data/matrix-cases.json', import.meta.url)));
const byLevel = {};
for (const [alias, level] of Object.entries(cases.aliases)) (byLevel[level] ??= []).push(alias);

// The same tickets for every contender: each cell, once by level name and
// once per alias (24 impacts x 4 urgencies = 32 tickets, cycled).
const tickets = [];
for (const c of cases.cells) {
  for (const impact of [c.impact, ...byLevel[c.impact]]) tickets.push({ id: `TT-${tickets.length}`, impact, urgency: c.urgency });
}

const engine = RuleEngine.default();
// The same pack plus the example adjust_priority hook: rhai per ticket.
const root = new URL('../../', import.meta.url);
const hooked = RuleEngine.fromSources({
  ...readRulesDir(new URL('rules', root).pathname),
  'adjust_priority.rhai': readFileSync(new URL('rules/examples/vip-services/adjust_priority.rhai', root), 'utf8'),
});

// json-rules-engine: one rule per cell; its event carries the five facts.
const jre = new Engine([], { allowUndefinedFacts: true });
for (const c of cases.cells) {
  jre.addRule({
    conditions: {
      all: [
        { fact: 'impact', operator: 'in', value: [c.impact, ...byLevel[c.impact]] },
        { fact: 'urgency', operator: 'equal', value: c.urgency },
      ],
    },
    event: { type: 'priority', params: { priority: c.priority, clock: c.clock, respondSeconds: c.respondSeconds, resolveSeconds: c.resolveSeconds, process: c.process } },
  });
}

// @gorules/zen-engine: one decision table (first hit), a row per cell,
// impact as a list test over the level and its aliases.
const q = (v) => JSON.stringify(v);
const zenDecision = new ZenEngine().createDecision({
  nodes: [
    { id: 'in', type: 'inputNode', name: 'ticket', position: { x: 0, y: 0 } },
    {
      id: 'matrix', type: 'decisionTableNode', name: 'matrix', position: { x: 200, y: 0 },
      content: {
        hitPolicy: 'first',
        inputs: [{ id: 'impact', name: 'Impact', field: 'impact' }, { id: 'urgency', name: 'Urgency', field: 'urgency' }],
        outputs: ['priority', 'clock', 'respondSeconds', 'resolveSeconds', 'process'].map((f) => ({ id: f, name: f, field: f })),
        rules: cases.cells.map((c, k) => ({
          _id: `r${k}`,
          impact: [c.impact, ...byLevel[c.impact]].map(q).join(', '),
          urgency: q(c.urgency),
          priority: q(c.priority), clock: q(c.clock), respondSeconds: String(c.respondSeconds), resolveSeconds: String(c.resolveSeconds),
          process: c.process == null ? 'null' : q(c.process),
        })),
      },
    },
    { id: 'out', type: 'outputNode', name: 'result', position: { x: 400, y: 0 } },
  ],
  edges: [
    { id: 'e1', sourceId: 'in', targetId: 'matrix', type: 'edge' },
    { id: 'e2', sourceId: 'matrix', targetId: 'out', type: 'edge' },
  ],
});

// The floor: a hand-written object lookup (no validation, no errors).
const lookup = {};
for (const c of cases.cells) {
  for (const impact of [c.impact, ...byLevel[c.impact]]) {
    lookup[`${impact}\u0000${c.urgency}`] = { priority: c.priority, clock: c.clock, respondSeconds: c.respondSeconds, resolveSeconds: c.resolveSeconds, process: c.process };
  }
}

// Same answers first: a benchmark of wrong answers is worth nothing.
for (const t of tickets) {
  const ours = engine.priority(t);
  const floor = lookup[`${t.impact}\u0000${t.urgency}`];
  const { events } = await jre.run(t);
  const { result: zen } = await zenDecision.evaluate(t);
  if (ours.priority !== floor.priority || events[0].params.priority !== ours.priority
      || zen.priority !== ours.priority || zen.resolveSeconds !== ours.resolveSeconds || zen.clock !== ours.clock) {
    throw new Error(`disagreement on ${JSON.stringify(t)}`);
  }
}

let i = 0;
const next = () => tickets[(i = (i + 1) % tickets.length)];
const batch = Array.from({ length: 10_000 }, (_, k) => tickets[k % tickets.length]);

const rows = await compare([
  ['plain JS object lookup (floor)', () => lookup[`${next().impact}\u0000${tickets[i].urgency}`]],
  ['ticket-rules priority(ticket)', () => engine.priority(next())],
  ['ticket-rules priorityOf(impact, urgency)', () => {
    const t = next();
    return engine.priorityOf(t.impact, t.urgency);
  }],
  ['ticket-rules priorities(10,000 tickets), per ticket', () => engine.priorities(batch), { unit: batch.length }],
  ['ticket-rules priority(ticket), pack with an adjust_priority hook (rhai per ticket)', () => hooked.priority({ ...next(), service: 'Payroll' })],
  ['json-rules-engine run(ticket)', () => jre.run(next()), { async: true }],
  ['@gorules/zen-engine evaluate(ticket)', () => zenDecision.evaluate(next()), { async: true }],
]);
const load = measure('ticket-rules RuleEngine.default() (load the pack)', () => RuleEngine.default().free());

const versions = {
  node: process.version,
  'json-rules-engine': JSON.parse(readFileSync(new URL('../node_modules/json-rules-engine/package.json', import.meta.url))).version,
  '@gorules/zen-engine': JSON.parse(readFileSync(new URL('../node_modules/@gorules/zen-engine/package.json', import.meta.url))).version,
  'ticket-rules pack': engine.packVersion,
};
console.log(`### Priority, from Node (${os.cpus()[0].model}, ${os.cpus().length} cores)\n`);
console.log(table(rows, 'json-rules-engine run(ticket)'));
console.log(`\nLoading the default pack: ${(1000 / load.perSecond).toFixed(2)} ms.`);
console.log(`\n${Object.entries(versions).map(([k, v]) => `${k} ${v}`).join(', ')}; command: \`node tests/bench/priority.mjs\``);
