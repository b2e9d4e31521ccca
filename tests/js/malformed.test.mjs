// The malformed-input catalogue (tests/data/malformed.json) from Node,
// through the npm package as a user's code loads it. Every case must throw
// a TicketRulesError with exactly the expected `code` and `field` (and the
// rule file's place), list exactly the expected validation error, or — for
// inputs accepted by design — answer as the table says. The same table runs
// natively (tests/malformed.rs) and in Node and headless Chromium through
// the wasm binding (tests/wasm.rs).
//
// `{ "$gen": ... }` values are expanded exactly as the native runner does;
// `{ "$js": ... }` values are the ones only JS has (NaN, undefined, an
// invalid Date, a BigInt, a Symbol, a cycle, an inherited property).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Calendar, PackSet, RuleEngine, readRulesDir } from 'ticket-rules';

const cases = JSON.parse(readFileSync(new URL('../data/malformed.json', import.meta.url), 'utf8'));
const rulesDir = fileURLToPath(new URL('../../rules/', import.meta.url));

/** An own data property, whatever its name (`__proto__` included), as JSON.parse makes it. */
function put(o, k, v) {
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  return o;
}

/** A table value as the JS value the case means. */
function value(v) {
  if (Array.isArray(v)) return v.map(value);
  if (v === null || typeof v !== 'object') return v;
  if (Object.hasOwn(v, '$gen')) return generate(v);
  if (Object.hasOwn(v, '$js')) return jsOnly(v);
  const out = {};
  for (const [k, x] of Object.entries(v)) put(out, k, value(x));
  return out;
}

function generate(g) {
  switch (g.$gen) {
    case 'repeat':
      return (g.prefix ?? '') + g.text.repeat(g.times) + (g.suffix ?? '');
    case 'nest': {
      let v = value(g.leaf ?? null);
      for (let i = 0; i < g.depth; i++) v = g.kind === 'object' ? put({}, g.key ?? '', v) : [v];
      return v;
    }
    case 'bytes':
      return new Uint8Array(Buffer.from(g.base64, 'base64'));
    case 'defaultPack': {
      const files = readRulesDir(rulesDir);
      for (const name of g.without ?? []) delete files[name];
      return Object.assign(files, g.add ?? {});
    }
    default:
      throw new Error(`unknown generator ${g.$gen}`);
  }
}

function jsOnly(j) {
  switch (j.$js) {
    case 'NaN': return NaN;
    case 'Infinity': return Infinity;
    case '-Infinity': return -Infinity;
    case 'undefined': return undefined;
    case 'invalidDate': return new Date(NaN);
    case 'date': return new Date(j.ms);
    case 'bigint': return BigInt(j.value);
    case 'symbol': return Symbol('impact');
    case 'function': return () => 'Critical';
    case 'inherit': {
      const o = Object.create(value(j.proto));
      for (const [k, x] of Object.entries(j.own)) put(o, k, value(x));
      return o;
    }
    case 'cycle': {
      const o = value(j.own);
      o.self = o;
      return o;
    }
    default:
      throw new Error(`unknown JS value ${j.$js}`);
  }
}

const described = (c) => ({ name: c.name, timezone: c.timezone });

function calendarOf(engine, spec) {
  return typeof spec === 'string' ? engine.calendar(spec) : Calendar.fromObject(spec);
}

/** Runs one operation; returns its answer as plain data. */
function run(engine, op, a) {
  switch (op) {
    case 'priority': return engine.priority(a.ticket);
    case 'priorityOf': return engine.priorityOf(a.impact, a.urgency, a.customerSeverity);
    case 'sla': return engine.sla(a.ticket, a.now);
    case 'explainSla': return engine.explainSla(a.ticket, a.now);
    case 'escalations': return engine.escalations(a.ticket, a.now, a.fired);
    case 'validate':
      return engine.validate(a.ticket, a.type ?? null, 'lookups' in a ? { lookups: a.lookups } : undefined);
    case 'transition':
      return engine.transition(a.ticket, a.to, 'children' in a ? { children: a.children } : undefined);
    case 'reclassify': return engine.reclassify(a.ticket, a.to);
    case 'formSchema': return engine.formSchema(a.type);
    case 'packCalendar': return described(engine.calendar(a.name));
    case 'calendar': return described(Calendar.fromObject(a.spec));
    case 'calendarAdd': return calendarOf(engine, a.calendar).add(a.start, a.seconds, a.pauses);
    case 'calendarBetween': return calendarOf(engine, a.calendar).between(a.from, a.to, a.pauses);
    case 'calendarIsOpen': return calendarOf(engine, a.calendar).isOpen(a.t);
    case 'calendarNextOpen': return calendarOf(engine, a.calendar).nextOpen(a.t);
    case 'loadPack': {
      const e = RuleEngine.fromSources(a.sources);
      const out = { packVersion: e.packVersion };
      e.free();
      return out;
    }
    default:
      throw new Error(`unknown op ${op}`);
  }
}

/** The value at a dotted path (`resolve.due`; '' is the whole value). */
const at = (v, path) => (path === '' ? v : path.split('.').reduce((x, k) => x?.[k], v));

const clip = (s) => (s.length > 300 ? `${s.slice(0, 300)}…` : s);

/** What is wrong with an outcome, or null. */
function check(c, outcome) {
  if (outcome.threw) {
    const err = outcome.error;
    if (!(err instanceof Error) || err.name !== 'TicketRulesError') {
      return `threw a non-TicketRulesError: ${err?.name}: ${clip(String(err?.message ?? err))}`;
    }
    if (c.accept || c.via === 'result') {
      return `threw ${err.code} at ${err.field} (${clip(err.message)}) instead of answering`;
    }
    const wrong = [];
    if (err.code !== c.code) wrong.push(`code ${err.code} (expected ${c.code})`);
    if (err.field !== c.field) wrong.push(`field ${err.field} (expected ${c.field})`);
    if (c.span) {
      const got = err.line === undefined ? err.file : `${err.file}:${err.line}:${err.column}`;
      // `file:line:column`, or `file` alone when the place is not the point.
      const ok = c.span.includes(':') ? got === c.span : err.file === c.span;
      if (!ok) wrong.push(`span ${got} (expected ${c.span})`);
    }
    if (err.message.length > 2000) wrong.push(`a message of ${err.message.length} characters`);
    return wrong.length ? `${wrong.join(', ')}: ${clip(err.message)}` : null;
  }
  const v = outcome.value;
  if (c.accept) {
    for (const [path, want] of Object.entries(c.accept)) {
      try {
        assert.deepEqual(at(v, path), want);
      } catch {
        return `\`${path}\` is ${JSON.stringify(at(v, path))}, not ${JSON.stringify(want)}`;
      }
    }
    return null;
  }
  if (c.via === 'result') {
    const listed = (v?.errors ?? []).map((e) => [e.field, e.code]);
    const want = [[c.field, c.code]];
    try {
      assert.deepEqual(listed, want);
      return null;
    } catch {
      return `listed ${JSON.stringify(listed)}, expected ${JSON.stringify(want)}`;
    }
  }
  return `answered ${clip(JSON.stringify(v) ?? String(v))} instead of ${c.code} at ${c.field}`;
}

/** A good ticket's answers, to compare the used engine with a fresh one. */
function goodAnswers(engine) {
  const ticket = {
    id: 'TT-1', type: 'incident', summary: 'Printer on floor 2 jams',
    impact: 'Single Building affected', urgency: 'Work Impaired', service: 'Printing',
    contact: { name: 'Pat Doe' },
    openedAt: '2026-03-16T14:00:00Z',
    history: [{ at: '2026-03-16T15:00:00Z', status: 'In Process', event: 'responded' }],
    status: 'In Process',
  };
  const now = '2026-03-17T16:00:00Z';
  return {
    priority: engine.priority(ticket),
    fast: engine.priority({ impact: ticket.impact, urgency: ticket.urgency }),
    sla: engine.sla(ticket, now),
    escalations: engine.escalations(ticket, now),
    validate: engine.validate(ticket),
    transition: engine.transition(ticket, 'Resolved'),
    add: engine.calendar('business').add(now, 8 * 3600),
  };
}

const engine = RuleEngine.default();
const fresh = goodAnswers(RuleEngine.default());

for (const c of cases) {
  test(`${c.category}: ${c.name}`, () => {
    const args = value(c.args);
    let outcome;
    try {
      outcome = { threw: false, value: run(engine, c.op, args) };
    } catch (error) {
      outcome = { threw: true, error };
    }
    assert.equal(check(c, outcome), null);
  });
}

test('the table has every category and at least 60 errors', () => {
  assert.ok(cases.filter((c) => !c.accept).length >= 60);
  const categories = new Set(cases.map((c) => c.category));
  for (const c of ['wrong type', 'missing field', 'empty string', 'bad date', 'unknown time zone',
    'bad interval', 'absurd duration', 'bad pauses', 'bad history', 'unknown status', 'huge string',
    'deep nesting', 'prototype keys', 'rule file encoding', 'duplicate definition', 'incomplete pack',
    'js-only value']) {
    assert.ok(categories.has(c), c);
  }
});

test('the engine that saw every bad input answers a good ticket as a fresh one does', () => {
  assert.deepEqual(goodAnswers(engine), fresh);
  assert.equal(Object.prototype.impact, undefined, 'nothing reached Object.prototype');
});

// wasm-bindgen's glue for a string parameter reads any value as a string: a
// number there wrote out of bounds of the wasm memory (a RuntimeError with
// no code), and after a few thousand such calls Node itself crashed. Every
// string argument is now checked by the binding.
test('a string argument of the wrong type is a coded error, however often', () => {
  const e = RuleEngine.default();
  const t = { id: 'TT-1', type: 'incident', impact: 'Critical', urgency: 'Work Impaired', openedAt: '2026-03-16T14:00:00Z' };
  const packs = new PackSet();
  packs.add(e);
  const calls = {
    formSchema: [(x) => e.formSchema(x), 'type'],
    jsonSchema: [(x) => e.jsonSchema(x), 'type'],
    transition: [(x) => e.transition(t, x), 'to'],
    reclassify: [(x) => e.reclassify(t, x), 'to'],
    redact: [(x) => e.redact(t, x), 'role'],
    calendar: [(x) => e.calendar(x), 'name'],
    validate: [(x) => e.validate(t, x), 'type'],
    fromCompiled: [(x) => RuleEngine.fromCompiled(x), 'text'],
    'PackSet.get': [(x) => packs.get(x), 'version'],
    'PackSet.remove': [(x) => packs.remove(x), 'version'],
  };
  const before = goodAnswers(e);
  for (let round = 0; round < 300; round++) {
    for (const [name, [call, field]] of Object.entries(calls)) {
      for (const x of [7, true, {}, ['incident'], 1n]) {
        assert.throws(() => call(x), (err) => err.name === 'TicketRulesError' && err.code === 'INVALID_TYPE' && err.field === field, `${name}(${typeof x})`);
      }
    }
  }
  for (const [name, [call, field]] of Object.entries(calls)) {
    if (name === 'validate') continue; // no type: the ticket's own
    assert.throws(() => call(undefined), (err) => err.code === 'MISSING_FIELD' && err.field === field, name);
  }
  assert.deepEqual(goodAnswers(e), before);
  assert.equal(packs.get(e.packVersion).packVersion, e.packVersion);
});

test('options that are not an object are refused, not ignored', () => {
  const e = RuleEngine.default();
  const t = { type: 'incident', summary: 'VPN down', impact: 'Single Department affected', urgency: 'Work Impaired', service: 'VPN' };
  for (const [call, field] of [[() => e.validate(t, null, 'customer'), 'options'],
    [() => e.formSchema('incident', 'customer'), 'options'],
    [() => e.transition(t, 'In Process', ['child']), 'context'],
    [() => e.queue([t], '2026-03-16T14:00:00Z', 5), 'options']]) {
    assert.throws(call, (err) => err.code === 'INVALID_TYPE' && err.field === field);
  }
  assert.equal(e.validate(t, null, { role: 'customer' }).ticket.summary, 'VPN down');
});

test('nextOpen is null when the calendar never opens again', () => {
  const never = Calendar.fromObject({ name: 'never', timezone: 'UTC', weekly: {} });
  assert.strictEqual(never.nextOpen('2026-03-16T14:00:00Z'), null);
});

test("the glue's own errors have a code: a freed engine, a freed set, a wrong class", () => {
  const ticket = { impact: 'Entire University affected', urgency: 'Work Impaired' };
  const gone = RuleEngine.default();
  gone.free();
  for (let i = 0; i < 2; i++) {
    assert.throws(() => gone.priority(ticket), { name: 'TicketRulesError', code: 'INVALID_INPUT', message: /freed/ });
  }
  const set = new PackSet();
  assert.throws(() => set.add({}), { name: 'TicketRulesError', code: 'INVALID_INPUT', message: /instance of RuleEngine/ });
  assert.throws(() => set.add(null), { name: 'TicketRulesError', code: 'INVALID_INPUT' });
  set.free();
  assert.throws(() => set.add(RuleEngine.default()), { name: 'TicketRulesError', code: 'INVALID_INPUT', message: /freed/ });
  assert.equal(RuleEngine.default().priority(ticket).priority, 'High');
});

test('NaN, Infinity and invalid Dates are refused by their path, not read as missing', () => {
  const e = RuleEngine.default();
  const t = { id: 'TT-1', type: 'incident', impact: 'Single Individual', urgency: 'Work Impaired', openedAt: '2026-03-16T14:00:00Z' };
  assert.throws(() => e.sla({ ...t, openedAt: new Date('x') }, '2026-03-17T00:00:00Z'), { code: 'INVALID_TYPE', field: 'openedAt', message: /invalid Date/ });
  assert.throws(() => e.queue([t, t], '2026-03-17T00:00:00Z', { limit: NaN }), { code: 'INVALID_TYPE', field: 'limit' });
  assert.throws(() => e.queue([t, { ...t, history: [{ at: new Date(NaN) }] }], '2026-03-17T00:00:00Z'), { code: 'INVALID_TYPE', field: '[1].history[0].at' });
  // An explicit null is still "not given", and a null inside a string no concern.
  assert.equal(e.sla({ ...t, summary: 'null', note: null }, '2026-03-17T00:00:00Z').resolve.state, 'running');
});
