// Runaway hooks from Node: each is stopped by the limit the table names,
// with RULE_LIMIT, and the same engine keeps answering. (How long each
// takes to stop is measured by tests/bench/sandbox.mjs, not asserted.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { RuleEngine, setTimeGuard } from 'ticket-rules';
import { runRunawayHooks } from '../data/runaway-hooks.mjs';

const data = (f) => new URL(`../data/${f}`, import.meta.url);
const table = JSON.parse(readFileSync(data('runaway-hooks.json'), 'utf8'));
const tiny = readFileSync(data('tiny-pack.rhai'), 'utf8');

test('every runaway hook is stopped by its limit and the engine keeps answering', () => {
  const results = runRunawayHooks(RuleEngine, table, tiny, { setTimeGuard });
  assert.ok(results.length >= 10);
  for (const r of results) {
    assert.deepEqual({ name: r.name, code: r.code, limit: r.got, stillWorks: r.stillWorks },
      { name: r.name, code: 'RULE_LIMIT', limit: r.limit, stillWorks: true });
  }
});

test('a pack sets its own hook limits, within the ceilings', () => {
  const hook = 'limits(#{ operations: 300 });\nfn adjust_priority(t, r) { let n = 0; for i in 0..500 { n += i; } r }';
  const e = RuleEngine.fromSources({ 'p.rhai': tiny, 'hook.rhai': hook });
  assert.throws(() => e.priority({ impact: 'High', urgency: 'Now' }), { code: 'RULE_LIMIT', limit: 'operations' });
  assert.throws(() => RuleEngine.fromSources({ 'p.rhai': tiny, 'l.rhai': 'limits(#{ operations: 10000000 });' }),
    (err) => err.code === 'PACK_INVALID' && err.errors.some((x) => x.file === 'l.rhai' && x.line === 1 && /from 1 to 200000/.test(x.message)));
});

test('a ticket too large for a hook is refused with its path before the hook runs', () => {
  const e = RuleEngine.fromSources({ 'p.rhai': tiny, 'hook.rhai': 'fn adjust_priority(t, r) { r }' });
  assert.throws(() => e.priority({ impact: 'High', urgency: 'Now', description: 'x'.repeat(10 << 20) }),
    { code: 'TOO_LARGE', field: 'description' });
  assert.equal(e.priority({ impact: 'High', urgency: 'Now', description: 'x'.repeat(1000) }).priority, 'P1');
});
