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

// `(1+(1+ ... inner ...))`, k levels deep.
const nested = (k, inner) => `${'(1+'.repeat(k)}${inner}${')'.repeat(k)}`;
// The deepest k for which file(k) loads past the limits on expression depth.
const deepest = (file) => {
  for (let k = 99; k > 0; k--) {
    const src = file(k);
    if (!RuleEngine.checkSources({ 'p.rhai': tiny, 'a.rhai': src }).some((e) => e.limit === 'expression depth')) return [k, src];
  }
  throw new Error('nothing parses');
};

test('recursion inside the deepest expressions is stopped before the stack ends, and the module keeps working', () => {
  // Each call level holds a whole expression's worth of the interpreter's
  // frames: at the most call levels a pack may ask for, within the deepest
  // expression a function may nest, this once ran off the end of the
  // module's stack ("memory access out of bounds", or V8's "Maximum call
  // stack size exceeded") and left the instance broken for every later call.
  const [k, atLoad] = deepest((k) => `fn f(n) {\n  ${nested(k, 'f(n+1)')}\n}\nf(0);\n`);
  assert.ok(k >= 15, `${k}`);
  assert.ok(RuleEngine.checkSources({ 'p.rhai': tiny, 'a.rhai': atLoad }).some((e) => e.code === 'RULE_LIMIT'));
  const [, fromTop] = deepest((k) => `fn f(n) {\n  ${nested(20, 'f(n+1)')}\n}\nlet x = ${nested(k, 'f(0)')};\n`);
  assert.ok(RuleEngine.checkSources({ 'p.rhai': tiny, 'a.rhai': fromTop }).some((e) => e.code === 'RULE_LIMIT'));
  const [, helper] = deepest((k) => `fn f(n) { ${nested(k, 'f(n+1)')} }\n`);
  const hook = `limits(#{ call_levels: 64, operations: 200000 });\nfn adjust_priority(t, r) {\n  if t.service == "spin" { f(0); }\n  r\n}\n${helper}`;
  const e = RuleEngine.fromSources({ 'p.rhai': tiny, 'hook.rhai': hook });
  for (let i = 0; i < 3; i++) {
    assert.throws(() => e.priority({ impact: 'High', urgency: 'Now', service: 'spin' }), { code: 'RULE_LIMIT', limit: 'call depth' });
    assert.equal(e.priority({ impact: 'High', urgency: 'Now' }).priority, 'P1');
  }
  assert.equal(RuleEngine.default().priority({ impact: 'Entire University affected', urgency: 'Work Stopped - No workaround' }).priority, 'Emergency');
});

test('a value nested thousands deep at load is refused, and the instance lives on', () => {
  // Unpatched rhai cloned it recursively: a RangeError without a code, and
  // after a few of them `memory access out of bounds` for every call.
  for (const body of ['let a = [];\nfor i in 0..5000 { a = [a]; }\n', 'let m = #{};\nfor i in 0..5000 { m = #{ x: m }; }\n']) {
    for (let i = 0; i < 12; i++) {
      const errors = RuleEngine.checkSources({ 'p.rhai': tiny, 'a.rhai': body });
      assert.deepEqual(errors.map((x) => [x.code, x.limit, x.file, x.line]), [['RULE_LIMIT', 'data depth', 'a.rhai', 2]]);
    }
  }
  const ok = RuleEngine.checkSources({ 'p.rhai': tiny, 'a.rhai': 'let a = [];\nfor i in 0..255 { a = [a]; }\n' });
  assert.deepEqual(ok, []);
  assert.equal(RuleEngine.default().priority({ impact: 'Entire University affected', urgency: 'Work Stopped - No workaround' }).priority, 'Emergency');
});

test('one replace that would build gigabytes at load is refused before it starts', () => {
  const src = 'let s = "";\ns.pad(1000000, "x");\nlet q = "";\nq.pad(5000, "y");\ns.replace("x", q);\n';
  const errors = RuleEngine.checkSources({ 'p.rhai': tiny, 'a.rhai': src });
  assert.deepEqual(errors.map((x) => [x.code, x.limit, x.file, x.line]), [['RULE_LIMIT', 'data size', 'a.rhai', 5]]);
  assert.equal(RuleEngine.default().priority({ impact: 'Entire University affected', urgency: 'Work Stopped - No workaround' }).priority, 'Emergency');
});
