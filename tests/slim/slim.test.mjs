// The slim builds from Node: the package's (`pkg/slim/`, `ticket-rules/slim`:
// no rhai, every zone) and `make size-slim`'s (no rhai, zones filtered).
// Each gives the default pack's golden answers byte for byte, as the full
// build gives them, and `NO_RHAI` for what needs rhai (a pack from
// source, a call that runs one of a pack's rhai functions).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { RuleEngine as Full } from 'ticket-rules';
import { goldenLines } from '../data/golden/run.mjs';

const golden = new URL('../data/golden/', import.meta.url);
const { cases } = JSON.parse(readFileSync(new URL('cases.json', golden), 'utf8'));
const expected = readFileSync(new URL('expected.jsonl', golden), 'utf8').split('\n').filter(Boolean);

// The default pack with the RFC 1297 example's forms (a rule function).
const rules = new URL('../../rules/', import.meta.url);
const defaultSources = Object.fromEntries(readdirSync(rules).filter((f) => f.endsWith('.rhai'))
  .map((f) => [f, readFileSync(new URL(f, rules), 'utf8')]));
const vipSource = readFileSync(new URL('examples/vip-services/adjust_priority.rhai', rules), 'utf8');
const chainSources = { ...defaultSources };
chainSources['forms.rhai'] = readFileSync(new URL('examples/rfc1297-chain/forms.rhai', rules), 'utf8');
const chainLine = chainSources['forms.rhai'].split('\n').findIndex((l) => l.startsWith('fn change_names_the_element')) + 1;

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

  test(`${dir}: the default pack needs no rhai; a compiled pack's function fails with NO_RHAI at the function`, () => {
    // The default problem form's cross-field rule is data.
    const engine = RuleEngine.default();
    const problem = {
      type: 'problem', summary: 'Disk fills up', impact: 'Single Department affected',
      urgency: 'Work Impaired', service: 'File shares', contact: { name: 'Pat Doe' },
      workaround: 'Delete old logs', rootCause: 'delete old logs',
    };
    assert.equal(engine.validate(problem).errors.find((x) => x.field === 'rootCause').code, 'SAME_AS_WORKAROUND');
    // The RFC 1297 example's engineering rule is a function: compiled by
    // the full build, loaded by the slim one, refused when it must run.
    const compiled = Full.compile(chainSources);
    const chain = RuleEngine.fromCompiled(compiled);
    assert.equal(chain.packHash, Full.fromCompiled(compiled).packHash);
    const ticket = { type: 'engineering', summary: 'Flapping link', component: 'rtr-7', change: 'Replaced the line card' };
    assert.throws(() => chain.validate(ticket), (e) => e.code === 'NO_RHAI' && e.file === 'forms.rhai'
      && e.line === chainLine && /change_names_the_element/.test(e.message));
    assert.equal(chain.validate({ type: 'trouble' }).valid, false);
    // A hook too: the vip-services example's adjust_priority.
    const vip = RuleEngine.fromCompiled(Full.compile({ ...defaultSources, 'adjust_priority.rhai': vipSource }));
    assert.throws(() => vip.priority({ impact: 'Single Individual', urgency: 'Work Impaired' }),
      (e) => e.code === 'NO_RHAI' && e.file === 'adjust_priority.rhai' && /adjust_priority/.test(e.message));
  });
}
