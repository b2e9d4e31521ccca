// The npm package from Node through `import` (ES modules): the exports map
// resolves to node/index.mjs, which initialises the wasm synchronously.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { RuleEngine, errorCodes, readRulesDir } from 'ticket-rules';
import init from 'ticket-rules';

const root = fileURLToPath(new URL('../../', import.meta.url));
const data = (f) => new URL(`../data/${f}`, import.meta.url);
const cases = JSON.parse(readFileSync(data('matrix-cases.json')));
cases.tinyPack = readFileSync(data('tiny-pack.rhai'), 'utf8');
cases.runawayHook = readFileSync(data('runaway-hook.rhai'), 'utf8');

test('every path the package.json publishes is there, and every file its exports map names', () => {
  const pkg = JSON.parse(readFileSync(new URL('../../pkg/package.json', import.meta.url)));
  const at = (p) => new URL(`../../pkg/${p}`, import.meta.url);
  for (const f of pkg.files) {
    if (f.endsWith('/')) assert.ok(readdirSync(at(f)).length > 0, f);
    else assert.ok(readFileSync(at(f)).length > 0, f);
  }
  const targets = (v) => (typeof v === 'string' ? [v] : Object.values(v).flatMap(targets));
  for (const t of targets(pkg.exports)) assert.ok(readFileSync(at(t)).length > 0, t);
});

test('default export is the init function (for bundlers) and RuleEngine works without awaiting it', () => {
  assert.equal(typeof init, 'function');
  const e = RuleEngine.default();
  assert.equal(e.packVersion, '2026.12.1');
});

test('16 cells x 5 facts, by level name and by every alias', () => {
  const e = RuleEngine.default();
  assert.equal(cases.cells.length, 16);
  for (const c of cases.cells) {
    const r = e.priority({ impact: c.impact, urgency: c.urgency });
    assert.deepEqual(
      [r.clock, r.respondSeconds, r.priority, r.process, r.resolveSeconds],
      [c.clock, c.respondSeconds, c.priority, c.process, c.resolveSeconds],
      `${c.impact} x ${c.urgency}`,
    );
    for (const [alias, level] of Object.entries(cases.aliases)) {
      if (level !== c.impact) continue;
      assert.deepEqual(e.priority({ impact: alias.toLowerCase(), urgency: c.urgency }), r);
    }
  }
});

test('result shape is plain JSON, camelCase, with the pack version', () => {
  const e = RuleEngine.default();
  const r = e.priority({ impact: 'Entire University affected', urgency: 'Work Stopped - No workaround', id: 'TT-1' });
  assert.equal(
    JSON.stringify(r),
    '{"priority":"Emergency","impactLevel":"Critical","urgency":"Work Stopped - No workaround","clock":"24x7","respondSeconds":900,"resolveSeconds":14400,"process":"Outage Management","packVersion":"2026.12.1"}',
  );
  assert.equal(Object.getPrototypeOf(r), Object.prototype);
  const cs = e.priority({ impact: 'Minor', urgency: 'Work Impaired', customerSeverity: 'Work Stopped - No workaround' });
  assert.deepEqual([cs.priority, cs.customerSeverity, cs.customerPriority], ['Standard', 'Work Stopped - No workaround', 'High']);
});

test('errors are Errors with stable codes, fields and allowed values', () => {
  const e = RuleEngine.default();
  const expectCode = (fn, code, extra = {}) => {
    assert.throws(fn, (err) => {
      assert.ok(err instanceof Error);
      assert.equal(err.name, 'TicketRulesError');
      assert.equal(err.code, code, err.message);
      for (const [k, v] of Object.entries(extra)) assert.deepEqual(err[k], v, k);
      return true;
    });
  };
  expectCode(() => e.priority({ impact: 'Galaxy', urgency: 'Work Impaired' }), 'UNKNOWN_IMPACT', { field: 'impact' });
  expectCode(() => e.priority({ impact: 'Major', urgency: 'Soonish' }), 'UNKNOWN_URGENCY', {
    field: 'urgency',
    allowed: cases.urgencies,
  });
  expectCode(() => e.priority({ urgency: 'Work Impaired' }), 'MISSING_FIELD', { field: 'impact' });
  expectCode(() => e.priority({ impact: undefined, urgency: 'Work Impaired' }), 'MISSING_FIELD', { field: 'impact' });
  expectCode(() => e.priority({ impact: 4, urgency: 'Work Impaired' }), 'INVALID_TYPE', {
    field: 'impact',
    message: 'field `impact` must be a string, not a number',
  });
  expectCode(() => e.priority({ impact: 'Major', urgency: 'Work Impaired', customerSeverity: 'Meh' }), 'UNKNOWN_SEVERITY');
  expectCode(() => e.priority(null), 'INVALID_INPUT');
  expectCode(() => e.priority('Critical'), 'INVALID_INPUT');
  expectCode(() => e.priorities('nope'), 'INVALID_INPUT');
  expectCode(() => e.priorityOf('Critical', 42), 'INVALID_TYPE', { field: 'urgency' });
});

test('every error code appears in the TypeScript ErrorCode union, and no other', () => {
  const dts = readFileSync(new URL('../../pkg/ticket-rules.d.ts', import.meta.url), 'utf8');
  const union = dts.match(/export type ErrorCode =([^;]*);/)[1];
  const typed = [...union.matchAll(/'([A-Z_]+)'/g)].map((m) => m[1]);
  assert.deepEqual(typed, errorCodes());
});

test('priorities() batches in one call and reports failures in place', () => {
  const e = RuleEngine.default();
  const out = e.priorities([
    { impact: 'Critical', urgency: 'Work Impaired' },
    { impact: 'Critical' },
    { impact: 'Small', urgency: 'Work not Impaired' },
  ]);
  assert.equal(out[0].priority, 'High');
  assert.equal(out[1].error.code, 'MISSING_FIELD');
  assert.equal(out[1].error.field, 'urgency');
  assert.equal(out[2].priority, 'Scheduled');
});

test('fromDir loads the default pack, the 5x5 example, and reports bad directories', () => {
  const fromDir = RuleEngine.fromDir(`${root}/rules`);
  assert.equal(fromDir.packHash, RuleEngine.default().packHash);
  const glpi = RuleEngine.fromDir(`${root}/rules/examples/glpi-5x5`);
  assert.equal(glpi.packVersion, '1.0.0');
  assert.equal(glpi.priority({ impact: '5', urgency: 'Very high' }).priority, 'Major');
  assert.throws(() => RuleEngine.fromDir('/no/such/dir'), { code: 'IO' });
  const onDisk = readdirSync(`${root}/rules`).filter((n) => n.endsWith('.rhai')).sort();
  assert.deepEqual(Object.keys(readRulesDir(`${root}/rules`)), onDisk);
  assert.deepEqual(fromDir.files, onDisk);
});

test('the priority hook example, from Node', () => {
  const sources = { ...readRulesDir(`${root}/rules`) };
  sources['adjust_priority.rhai'] = readFileSync(`${root}/rules/examples/vip-services/adjust_priority.rhai`, 'utf8');
  const e = RuleEngine.fromSources(sources);
  const r = e.priority({ impact: 'Single Individual', urgency: 'Work Impaired', service: 'Payroll' });
  assert.equal(r.priority, 'Standard');
  assert.match(r.reason, /VIP service Payroll/);
  assert.equal(e.priorityOf('Single Individual', 'Work Impaired').priority, 'Scheduled');
  assert.equal(e.hookCalls, 2);
});

test('rule errors: file, line, column (1-based), every error in .errors', () => {
  const bad = { 'a.rhai': 'let = 1;', 'b.rhai': 'priorities(["P"]);\nimpact("X");\nimpact("x");' };
  assert.throws(
    () => RuleEngine.fromSources(bad),
    (err) => {
      assert.deepEqual([err.code, err.file, err.line, err.column], ['RULE_SYNTAX', 'a.rhai', 1, 5]);
      assert.deepEqual(
        err.errors.map((x) => `${x.file}:${x.line}:${x.column} ${x.code}`),
        ['a.rhai:1:5 RULE_SYNTAX', 'b.rhai:3:1 PACK_INVALID'],
      );
      return true;
    },
  );
  assert.deepEqual(RuleEngine.checkSources({ 'p.rhai': cases.tinyPack }), []);
  assert.equal(RuleEngine.checkSources(42)[0].code, 'INVALID_INPUT');
  const errors = RuleEngine.checkSources(new Map([['x.rhai', 'fn f(x) {\n  x.nope()\n}\nf(1);']]));
  assert.deepEqual([errors[0].code, errors[0].line, errors[0].column], ['RULE_RUNTIME', 2, 5]);
});

test('a rule that loops forever is stopped; the engine keeps answering', () => {
  assert.throws(() => RuleEngine.fromSources({ 'p.rhai': 'loop { }' }), { code: 'RULE_LIMIT', limit: 'operations' });
  const e = RuleEngine.fromSources({ 'p.rhai': cases.tinyPack, 'hook.rhai': cases.runawayHook });
  for (let i = 0; i < 3; i++) {
    assert.throws(() => e.priority({ impact: 'High', urgency: 'Now', service: 'spin' }), { code: 'RULE_LIMIT' });
    assert.equal(e.priority({ impact: 'High', urgency: 'Now' }).priority, 'P1');
  }
});

test('a re-prioritised ticket: the history wins, unread fields are not walked', () => {
  const e = RuleEngine.default();
  let deep = 'x';
  for (let i = 0; i < 10_000; i++) deep = [deep];
  const t = {
    impact: 'Single Building affected', urgency: 'Work Impaired',
    history: [{ at: '2026-03-16T16:00:00Z', impact: 'Entire University affected' }],
  };
  const r = e.priority({ ...t, notes: deep });
  assert.equal(r.impactLevel, 'Critical');
  assert.equal(r.priority, 'High');
  assert.deepEqual(e.priority(t), r);
});
