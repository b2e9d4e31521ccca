// The npm package from Node through `require` (CommonJS): the exports map
// resolves to node/index.cjs, the wasm-bindgen nodejs glue.
'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { RuleEngine, errorCodes } = require('ticket-rules');
const cases = require('../data/matrix-cases.json');

test('require: the 16 cells', () => {
  const e = RuleEngine.default();
  for (const c of cases.cells) {
    const r = e.priority({ impact: c.impact, urgency: c.urgency });
    assert.deepEqual(
      [r.clock, r.respondSeconds, r.priority, r.process, r.resolveSeconds],
      [c.clock, c.respondSeconds, c.priority, c.process, c.resolveSeconds],
    );
  }
});

test('require: errors and fromDir', () => {
  const e = RuleEngine.default();
  assert.throws(() => e.priority({ impact: 'x', urgency: 'Work Impaired' }), { code: 'UNKNOWN_IMPACT', field: 'impact' });
  const d = RuleEngine.fromDir(path.join(__dirname, '../../rules'));
  assert.equal(d.packHash, e.packHash);
  assert.ok(errorCodes().includes('RULE_LIMIT'));
});
