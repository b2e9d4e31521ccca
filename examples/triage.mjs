#!/usr/bin/env node
// The product's main job on the embedded default pack: triage a file of
// tickets (JSONL) and print what the matrix decides for each.
//
//   node examples/triage.mjs examples/tickets.jsonl
//   cat tickets.jsonl | node examples/triage.mjs
//
// (Inside this repository the package is imported by path; in a project
// of yours it is `import { RuleEngine } from 'ticket-rules'`.)
import { readFileSync } from 'node:fs';
import { RuleEngine } from '../pkg/node/index.mjs';

const file = process.argv[2];
const text = readFileSync(file ?? 0, 'utf8');
const tickets = [];
for (const [n, line] of text.split('\n').entries()) {
  if (!line.trim()) continue;
  try {
    tickets.push(JSON.parse(line));
  } catch (e) {
    console.error(`${file ?? 'stdin'}:${n + 1}: not JSON: ${e.message}`);
    process.exitCode = 1;
  }
}

const engine = RuleEngine.default();
const results = engine.priorities(tickets); // one call for the whole file
const rank = Object.fromEntries(engine.matrix().priorities.map((p, i) => [p, i]));

const hours = (s) => (s % 3600 === 0 ? `${s / 3600}h` : `${s / 60}m`);
const cut = (s, n) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
const rows = tickets.map((t, i) => ({ t, r: results[i] }));
const ok = rows.filter(({ r }) => !r.error).sort((a, b) => rank[a.r.priority] - rank[b.r.priority] || a.r.respondSeconds - b.r.respondSeconds);
const bad = rows.filter(({ r }) => r.error);

const head = ['ticket', 'impact → level', 'urgency', 'priority', 'process', 'respond', 'resolve', 'clock', 'customer said'];
const table = ok.map(({ t, r }) => [
  t.id,
  `${cut(t.impact, 30)} → ${r.impactLevel}`,
  cut(r.urgency, 34),
  r.priority,
  r.process ?? '',
  hours(r.respondSeconds),
  hours(r.resolveSeconds),
  r.clock,
  r.customerPriority && r.customerPriority !== r.priority ? `${r.customerPriority} (${r.customerSeverity})` : '',
]);
const widths = head.map((h, c) => Math.max(h.length, ...table.map((row) => row[c].length)));
const line = (cells) => cells.map((v, c) => v.padEnd(widths[c])).join('  ').trimEnd();
console.log(`ticket-rules ${engine.packName} ${engine.packVersion}: ${tickets.length} tickets from ${file ?? 'stdin'}\n`);
console.log(line(head));
console.log(line(widths.map((w) => '─'.repeat(w))));
for (const row of table) console.log(line(row));

if (bad.length) {
  console.log(`\nRejected (${bad.length}): nothing is guessed`);
  for (const { t, r } of bad) console.log(`  ${t.id}  ${r.error.code}  ${r.error.message}`);
}
const counts = {};
for (const { r } of ok) counts[r.priority] = (counts[r.priority] ?? 0) + 1;
const summary = Object.keys(rank).filter((p) => counts[p]).map((p) => `${counts[p]} ${p}`).join(', ');
console.log(`\n${ok.length} triaged (${summary}); ${bad.length} rejected.`);
