// The slim builds from Node: the package's (`pkg/slim/`, `ticket-rules/slim`:
// no rhai, every zone) and `make size-slim`'s (no rhai, zones filtered).
// Each gives the default pack's golden answers byte for byte, as the full
// build gives them, and `NO_RHAI` for what needs rhai (a pack from
// source, a call that runs one of a pack's rhai functions).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { goldenLines } from '../data/golden/run.mjs';

const golden = new URL('../data/golden/', import.meta.url);
const { cases } = JSON.parse(readFileSync(new URL('cases.json', golden), 'utf8'));
const expected = readFileSync(new URL('expected.jsonl', golden), 'utf8').split('\n').filter(Boolean);

const builds = ['../../pkg/slim/', '../../target/slim/pkg/'];
for (const dir of builds) {
  const pkg = new URL(dir, import.meta.url);
  const glue = await import(new URL('ticket_rules.js', pkg));
  glue.initSync({ module: readFileSync(new URL('ticket_rules_bg.wasm', pkg)) });
  const { RuleEngine } = glue;

  test(`${dir}: the slim build gives the golden answers, byte for byte`, () => {
    const got = goldenLines(RuleEngine.default(), cases);
    assert.equal(got.length, expected.length);
    for (let i = 0; i < got.length; i++) assert.equal(got[i], expected[i], `case ${i}: ${cases[i].name}`);
  });

  test(`${dir}: the slim build loads no pack from source`, () => {
    const sources = { 'pack.rhai': 'pack_name("tiny");' };
    assert.throws(() => RuleEngine.fromSources(sources), (e) => e.code === 'NO_RHAI' && /ticket-rules compile/.test(e.message));
    assert.throws(() => RuleEngine.compile(sources), (e) => e.code === 'NO_RHAI');
    assert.equal(RuleEngine.checkSources(sources)[0].code, 'NO_RHAI');
  });

  test(`${dir}: a call that needs a rhai function fails with NO_RHAI at the function`, () => {
    const engine = RuleEngine.default();
    const problem = {
      type: 'problem', summary: 'Disk fills up', impact: 'Single Department affected',
      urgency: 'Work Impaired', service: 'File shares', contact: { name: 'Pat Doe' },
      workaround: 'Delete old logs', rootCause: 'Logs are never rotated',
    };
    assert.throws(() => engine.validate(problem), (e) => e.code === 'NO_RHAI' && e.file === 'forms.rhai'
      && e.line > 1 && /cause_is_not_the_workaround/.test(e.message));
    // A type without functions validates as in the full build.
    const r = engine.validate({ type: 'incident', summary: '' });
    assert.equal(r.valid, false);
    assert.equal(r.errors.find((x) => x.field === 'summary').code, 'REQUIRED');
  });
}
