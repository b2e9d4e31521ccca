// Several packs at once from Node: PackSet picks the pack a ticket names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RuleEngine, PackSet, readRulesDir } from 'ticket-rules';

const rules = fileURLToPath(new URL('../../rules', import.meta.url));

function lastYear() {
  const sources = {};
  for (const [name, bytes] of Object.entries(readRulesDir(rules))) {
    sources[name] = new TextDecoder().decode(bytes)
      .replace('pack_version("2026.12.1")', 'pack_version("2025.4.0")')
      .replace('cell("24x7",     "15m", "Emergency"', 'cell("24x7",     "30m", "Emergency"');
  }
  return RuleEngine.fromSources(sources);
}

const ticket = {
  id: 'TT-1', type: 'incident', summary: 'Campus network down',
  impact: 'Entire University affected', urgency: 'Work Stopped - No workaround', openedAt: '2026-03-16T14:00:00Z',
};

test('a ticket is answered under the pack its packVersion names, or the newest', () => {
  const old = lastYear();
  const packs = new PackSet();
  packs.add(old);
  packs.add(RuleEngine.default());
  assert.deepEqual(packs.versions, ['2025.4.0', '2026.12.1']);
  assert.equal(packs.latest.packVersion, '2026.12.1');
  const now = '2026-03-16T14:20:00Z';
  const due = (t) => packs.forTicket(t).sla(t, now).respond.due;
  assert.equal(due({ ...ticket, packVersion: '2025.4.0' }), '2026-03-16T14:30:00Z');
  assert.equal(due({ ...ticket, packVersion: '2026.12.1' }), '2026-03-16T14:15:00Z');
  assert.equal(due(ticket), '2026-03-16T14:15:00Z');
  assert.throws(() => packs.forTicket({ ...ticket, packVersion: '2019.1' }),
    { code: 'UNKNOWN_PACK_VERSION', field: 'packVersion', allowed: ['2025.4.0', '2026.12.1'] });
  assert.throws(() => packs.forTicket({ ...ticket, packVersion: 7 }), { code: 'INVALID_TYPE', field: 'packVersion' });
  // The engine added stays usable on its own.
  assert.equal(old.priority(ticket).respondSeconds, 1800);
  assert.equal(packs.get('2025.4.0').priority(ticket).packVersion, '2025.4.0');
  assert.equal(packs.get('nope'), undefined);
  assert.equal(packs.remove('2025.4.0'), true);
  assert.deepEqual(packs.versions, ['2026.12.1']);
});

test('a version names one set of rules', () => {
  const packs = new PackSet();
  packs.add(RuleEngine.default());
  packs.add(RuleEngine.default());
  assert.deepEqual(packs.versions, ['2026.12.1']);
  const changed = {};
  for (const [name, bytes] of Object.entries(readRulesDir(rules))) {
    changed[name] = new TextDecoder().decode(bytes).replace('"15m", "Emergency"', '"20m", "Emergency"');
  }
  assert.throws(() => packs.add(RuleEngine.fromSources(changed)), { code: 'PACK_INVALID' });
});

test('every result names the version of the pack that computed it', () => {
  const e = lastYear();
  const now = '2026-03-16T14:20:00Z';
  for (const r of [e.priority(ticket), e.sla(ticket, now), e.explainSla(ticket, now), e.escalations(ticket, now),
    e.validate(ticket), e.transition(ticket, 'In Process'), e.formSchema('incident')]) {
    assert.equal(r.packVersion, '2025.4.0');
  }
  assert.equal(e.jsonSchema('incident').$comment, 'ticket-rules: its-incident-management 2025.4.0');
});

test('a pack compiled in Node loads from its text and answers as from source', () => {
  const sources = readRulesDir(rules);
  const text = RuleEngine.compile(sources);
  assert.equal(typeof text, 'string');
  assert.equal(JSON.parse(text).ticketRulesPack, 2);
  const compiled = RuleEngine.fromCompiled(text);
  const fromSource = RuleEngine.fromSources(sources);
  assert.equal(compiled.packHash, fromSource.packHash);
  assert.deepEqual(compiled.files, fromSource.files);
  const now = '2026-03-18T15:30:00Z';
  const problem = { type: 'problem', summary: 'Mail queue stalls', workaround: 'Restart the relay', cause: 'Restart the relay' };
  for (const t of [ticket, { ...ticket, status: 'Wait Vendor' }, problem]) {
    for (const op of ['priority', 'validate']) {
      let a, b;
      try { a = fromSource[op](t); } catch (e) { a = e.code; }
      try { b = compiled[op](t); } catch (e) { b = e.code; }
      assert.deepEqual(b, a, op);
    }
  }
  assert.deepEqual(compiled.escalations(ticket, now), fromSource.escalations(ticket, now));
  assert.deepEqual(compiled.formSchema('problem'), fromSource.formSchema('problem'));
  // The default pack's rules are data: no rhai runs per ticket.
  assert.equal(compiled.hookCalls, 0);
  // The default pack is the same pack, loaded from its compiled form.
  assert.equal(RuleEngine.default().packHash, compiled.packHash);
  // The RFC 1297 example's engineering rule is a rhai function: compiled
  // on its first call, with the same answer as from source.
  const chain = { ...sources, 'forms.rhai': readFileSync(join(rules, 'examples', 'rfc1297-chain', 'forms.rhai'), 'utf8') };
  const chainCompiled = RuleEngine.fromCompiled(RuleEngine.compile(chain));
  const engineering = { type: 'engineering', summary: 'Flapping link', component: 'rtr-7', change: 'Replaced the line card' };
  const got = chainCompiled.validate(engineering);
  assert.deepEqual(got, RuleEngine.fromSources(chain).validate(engineering));
  assert.equal(got.errors.find((e) => e.field === 'change').code, 'ELEMENT_NOT_NAMED');
  assert.ok(chainCompiled.hookCalls > 0);
});

test('compile and fromCompiled refuse what is not a pack', () => {
  assert.throws(() => RuleEngine.compile({ 'p.rhai': 'priorities(["P1"]);\nlet = 2;' }),
    (e) => e.code === 'RULE_SYNTAX' && Array.isArray(e.errors) && e.errors.length >= 1);
  for (const text of ['', 'null', '{"ticketRulesPack": 3}', '{"ticketRulesPack": 2, "hash": "0123456789abcdef", "files": ["a.rhai"], "functions": [], "calls": [["rm_rf", 0, 1, 1, []]]}']) {
    assert.throws(() => RuleEngine.fromCompiled(text), { code: 'PACK_INVALID' }, text);
  }
});
