// The work queue from Node (issue 9): one call for the whole list, the
// same order and reasons as natively (tests/queue.rs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { RuleEngine, readRulesDir } from 'ticket-rules';

const engine = RuleEngine.default();
const tickets = [
  { id: 'C', type: 'incident', impact: 'Single Building affected', urgency: 'Work not Impaired', openedAt: '2026-03-18T13:00:00Z' },
  { id: 'A', type: 'incident', impact: 'Entire University affected', urgency: 'Work Stopped - No workaround', openedAt: '2026-03-16T13:00:00Z',
    history: [{ at: '2026-03-16T13:05:00Z', event: 'responded' }, { at: '2026-03-16T13:05:00Z', status: 'In Process' }] },
  { id: 'B', type: 'incident', impact: 'Multiple Buildings affected', urgency: 'Work Impaired', openedAt: '2026-03-18T09:00:00Z' },
  { id: 'D', type: 'incident', impact: 'Multiple Buildings affected', urgency: 'Work Impaired', openedAt: '2026-03-17T13:00:00Z',
    history: [{ at: '2026-03-17T13:05:00Z', event: 'responded' }, { at: '2026-03-17T14:00:00Z', status: 'Wait Vendor' }] },
  { id: 'E', type: 'incident', impact: 'Multiple Buildings affected', urgency: 'Work Impaired', openedAt: '2026-03-17T13:00:00Z',
    history: [{ at: '2026-03-17T15:00:00Z', status: 'Resolved' }] },
  { id: 'F', impact: 'Galaxy', urgency: 'Work Impaired', openedAt: '2026-03-17T13:00:00Z' },
];

test('ranked with reasons; closed left out; broken reported', () => {
  const q = engine.queue(tickets, new Date('2026-03-18T15:00:00Z'));
  assert.deepEqual(q.entries.map((e) => e.id), ['A', 'B', 'C', 'D']);
  assert.deepEqual(q.entries.map((e) => e.rank), [1, 2, 3, 4]);
  assert.equal(q.entries[1].reason, 'respond due in 5 h of business time; 37.5% used');
  assert.equal(q.entries[3].reason, 'resolve clock paused (Wait Vendor); 6.3% used');
  assert.deepEqual(q.notOpen, [4]);
  assert.deepEqual(q.problems.map((p) => [p.index, p.id, p.code]), [[5, 'F', 'UNKNOWN_IMPACT']]);
  const sla = engine.sla(tickets[2], '2026-03-18T15:00:00Z');
  assert.deepEqual([q.entries[1].due, q.entries[1].remainingSeconds, q.entries[1].status], [sla.respond.due, sla.respond.remainingSeconds, 'New']);
});

test('as now moves: closed clocks say when they resume', () => {
  const q = engine.queue(tickets, '2026-03-18T23:00:00Z');
  const b = q.entries.find((e) => e.id === 'B');
  assert.equal(b.state, 'breached');
  assert.equal(b.openNow, false);
  assert.equal(b.resumesAt, '2026-03-19T12:00:00Z');
});

test('bad calls are coded errors', () => {
  assert.throws(() => engine.queue({}, '2026-03-18T15:00:00Z'), { code: 'INVALID_INPUT' });
  assert.throws(() => engine.queue([], 'yesterday'), { code: 'INVALID_INSTANT' });
  const now = '2026-03-18T15:00:00Z';
  assert.throws(() => engine.queue(tickets, now, { order: ['due', 'soon'] }), { code: 'INVALID_INPUT', message: /unknown criterion "soon"/ });
  assert.throws(() => engine.queue(tickets, now, { order: ['age', 'age'] }), { code: 'INVALID_INPUT' });
  assert.throws(() => engine.queue(tickets, now, { limit: -1 }), { code: 'INVALID_INPUT' });
  assert.throws(() => engine.queue(tickets, now, { limit: '5' }), { code: 'INVALID_TYPE' });
  assert.throws(() => engine.queue(tickets, now, { limt: 5 }), { code: 'INVALID_INPUT', message: /unknown option "limt"/ });
});

test('options: a call orders its own way and keeps the first entries', () => {
  const now = '2026-03-18T15:00:00Z';
  const all = engine.queue(tickets, now);
  assert.equal(all.ranked, 4);
  for (const limit of [0, 1, 3, 4, 9]) {
    const q = engine.queue(tickets, now, { limit });
    assert.equal(q.ranked, 4);
    assert.deepEqual(q.entries, all.entries.slice(0, limit));
    assert.deepEqual([q.notOpen, q.problems], [all.notOpen, all.problems]);
  }
  // Oldest first, whatever the pack's order: the paused ticket moves up.
  assert.deepEqual(engine.queue(tickets, now, { order: ['age'] }).entries.map((e) => e.id), ['A', 'D', 'B', 'C']);
  assert.deepEqual(engine.queue(tickets, now, { order: ['age'], limit: 2 }).entries.map((e) => [e.id, e.rank]), [['A', 1], ['D', 2]]);
  assert.deepEqual(engine.queue(tickets, now, { order: [] }).entries.map((e) => e.index), [0, 1, 2, 3]);
  assert.deepEqual(engine.queue(tickets, now, null), all);
  assert.deepEqual(engine.queue(tickets, now, { order: null, limit: undefined }), all);
});

test("a pack's own ranking: queue_rank(ticket, entry)", () => {
  const rules = fileURLToPath(new URL('../../rules', import.meta.url));
  const sources = { ...readRulesDir(rules), 'queue.rhai': 'fn queue_rank(ticket, entry) { if ticket.service == "Payroll" { -1 } else { 0 } }' };
  const mine = RuleEngine.fromSources(sources);
  const payroll = tickets.map((t) => (t.id === 'C' ? { ...t, service: 'Payroll' } : t));
  assert.deepEqual(mine.queue(payroll, '2026-03-18T15:00:00Z').entries.map((e) => e.id), ['C', 'A', 'B', 'D']);
  assert.deepEqual(engine.queue(payroll, '2026-03-18T15:00:00Z').entries.map((e) => e.id), ['A', 'B', 'C', 'D']);
});

test('a long queue gives each ticket the entry it gets alone (the golden file holds those to the native answers)', () => {
  const { cases } = JSON.parse(readFileSync(new URL('../data/golden/cases.json', import.meta.url), 'utf8'));
  const now = '2026-03-18T23:00:00Z';
  const all = cases.map((c) => c.ticket);
  const q = engine.queue(all, now);
  assert.equal(q.entries.length + q.notOpen.length + q.problems.length, all.length);
  assert.ok(q.entries.length > 20 && new Set(q.entries.map((e) => e.priority)).size > 2);
  for (const e of q.entries) {
    const alone = engine.queue([all[e.index]], now).entries[0];
    assert.deepStrictEqual({ ...e, rank: 1, index: 0 }, alone, `ticket ${e.index}`);
    assert.deepStrictEqual(Object.keys(e), Object.keys(alone));
  }
  assert.deepStrictEqual(Object.keys(q), ['entries', 'ranked', 'notOpen', 'problems', 'now', 'packVersion']);
});

test('a string cut in the middle of an emoji does not stop the queue', () => {
  const b = { impact: 'Critical', urgency: 'Work Impaired', openedAt: '2026-03-17T10:00:00Z' };
  const cut = 'Printer 🖨'.slice(0, -1);
  const q = engine.queue([{ id: 'TT-1', ...b }, { id: 'TT-2', ...b, summary: cut }, { id: 'TT-3', ...b, summary: '\ud83d\ud83d' }], '2026-03-17T12:00:00Z');
  assert.deepEqual(q.entries.map((e) => e.id).sort(), ['TT-1', 'TT-2', 'TT-3']);
  assert.equal(q.problems.length, 0);
  // A backslash written before "ud83d" is text, and stays so.
  const r = engine.validate({ type: 'incident', summary: 'a\\ud83d', impact: 'Minor', urgency: 'Work Impaired', service: 'Email', contact: { name: 'Pat Doe' } });
  assert.equal(r.ticket.summary, 'a\\ud83d');
  assert.equal(engine.validate({ type: 'incident', summary: cut, impact: 'Minor', urgency: 'Work Impaired', service: 'Email', contact: { name: 'Pat Doe' } }).ticket.summary, 'Printer \ufffd');
});
