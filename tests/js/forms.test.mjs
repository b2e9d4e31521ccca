// Forms from Node: the same validation the browser runs, the schema a
// portal draws from, the lifecycle.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RuleEngine, validationCodes } from 'ticket-rules';

const good = {
  type: 'incident', summary: 'Finance shared drive unreachable',
  description: 'Since 9:00 nobody in Finance can open the payroll folder.',
  impact: 'Single Department affected', urgency: 'Work Stopped - No workaround',
  service: 'File shares', contact: { name: 'Pat Doe' },
};

test('a good ticket: valid, auto-filled, a plain object', () => {
  const r = RuleEngine.default().validate(good);
  assert.equal(r.valid, true, JSON.stringify(r.errors));
  assert.deepEqual(r.ticket.contact, { name: 'Pat Doe', email: 'pat@example.edu', phone: '7035551234' });
  assert.equal(r.ticket.priority, 'High');
  assert.equal(Object.getPrototypeOf(r.ticket), Object.prototype);
});

test('every error at once, with codes, params and messages', () => {
  const r = RuleEngine.default().validate({ type: 'incident', summary: '', impact: 'Galaxy', contact: { name: 'Pat Doe', phone: '12' } });
  assert.deepEqual(r.errors.map((e) => `${e.field} ${e.code}`), [
    'summary REQUIRED', 'impact NOT_IN_MENU', 'urgency REQUIRED', 'service REQUIRED', 'contact.phone PATTERN',
  ]);
  assert.equal(r.errors[0].message, 'Summary is required');
  assert.equal(r.errors[1].params.allowed.length, 8);
  for (const e of r.errors) assert.ok(validationCodes().includes(e.code), e.code);
});

test('the answer lists the fields required now, conditions judged by the engine', () => {
  const e = RuleEngine.default();
  const always = ['summary', 'impact', 'urgency', 'service', 'contact.name'];
  assert.deepEqual(e.validate({ type: 'incident' }).required, always);
  // The phone once the impact is Critical, in any spelling the matrix takes, given or not.
  for (const impact of ['Entire University affected', ' entire university AFFECTED']) {
    const t = { type: 'incident', impact, contact: { name: 'Pat Doe', phone: '7035551234' } };
    assert.deepEqual(e.validate(t).required, [...always, 'contact.phone']);
  }
  // A description while work has stopped: the pack's cross-field rule refuses it empty then.
  assert.deepEqual(e.validate({ type: 'incident', urgency: 'Work Stopped - No workaround' }).required, [...always, 'description']);
  assert.deepEqual(e.validate({ type: 'incident', urgency: 'Work Impaired' }).required, always);
});

test('a crafted request with __proto__ gets nowhere', () => {
  const evil = JSON.parse(`{"type":"incident","__proto__":{"isAdmin":true},"summary":"x"}`);
  const r = RuleEngine.default().validate(evil);
  assert.equal(Object.getPrototypeOf(r.ticket), Object.prototype);
  assert.equal(r.ticket.isAdmin, undefined);
  assert.equal({}.isAdmin, undefined);
});

test('lookups from the call, type from the call, options checked', () => {
  const e = RuleEngine.default();
  const { type, ...rest } = good;
  const t = { ...rest, contact: { name: 'New Person' } };
  assert.equal(e.validate(t, 'incident').errors[0].code, 'UNKNOWN_REFERENCE');
  const r = e.validate(t, 'incident', { lookups: { contacts: [{ name: 'New Person', email: 'np@example.edu', phone: '7035550000' }] } });
  assert.equal(r.valid, true);
  assert.equal(r.ticket.contact.email, 'np@example.edu');
  // A list that is not a list is refused, not passed over for the pack's.
  assert.throws(() => e.validate(t, 'incident', { lookups: { contacts: 'x' } }), { code: 'INVALID_TYPE', field: 'options.lookups.contacts' });
  assert.throws(() => e.validate(t, 'complaint'), { code: 'UNKNOWN_TYPE', field: 'type' });
  assert.throws(() => e.validate(t), { code: 'MISSING_FIELD', field: 'type' });
  void type;
});

test('formSchema and jsonSchema', () => {
  const e = RuleEngine.default();
  assert.deepEqual(e.types, ['incident', 'outage', 'problem']);
  const s = e.formSchema('incident');
  assert.equal(s.fields[0].name, 'summary');
  assert.equal(s.fields.find((f) => f.name === 'contact.phone').requiredWhen.impact_level, 'Critical');
  const j = e.jsonSchema('outage');
  assert.equal(j.properties.startedAt.format, 'date-time');
  assert.throws(() => e.formSchema('nope'), { code: 'UNKNOWN_TYPE' });
});

test('the lifecycle: transitions, children, reclassification', () => {
  const e = RuleEngine.default();
  assert.deepEqual(e.transition({ ...good, status: 'In Process' }, 'Resolved').errors.map((x) => x.field), ['resolution']);
  assert.equal(e.transition({ ...good, status: 'In Process', resolution: 'done' }, 'Resolved').allowed, true);
  const outage = { type: 'outage', status: 'Resolved', resolution: 'fixed' };
  const r = e.transition(outage, 'Closed', { children: [{ id: 'TT-9', status: 'New' }] });
  assert.deepEqual([r.allowed, r.errors[0].code, r.errors[0].params.open], [false, 'CHILDREN_OPEN', ['TT-9']]);
  assert.equal(e.transition(outage, 'Closed', { children: [{ id: 'TT-9', status: 'Closed' }] }).allowed, true);
  assert.equal(e.reclassify({ type: 'outage' }, 'problem').allowed, false);
  assert.equal(e.reclassify({ type: 'outage', workaround: 'use VPN' }, 'problem').allowed, true);
});

test('a misspelt option is refused, not ignored with the check it asked for', () => {
  const e = RuleEngine.default();
  assert.throws(() => e.validate(good, 'incident', { rol: 'customer' }), { code: 'INVALID_INPUT', message: /unknown option "rol"/ });
  assert.throws(() => e.formSchema('incident', { roles: 'customer' }), { code: 'INVALID_INPUT' });
  assert.throws(() => e.transition({ ...good, status: 'Resolved' }, 'Closed', { kids: [] }), { code: 'INVALID_INPUT' });
  assert.equal(e.validate(good, 'incident', { role: 'customer', previous: null, lookups: null }).valid, true);
});

test('children: null is "not given": the ticket\'s own open children still hold a close', () => {
  const e = RuleEngine.default();
  const outage = {
    type: 'outage', summary: 'Campus Wi-Fi down', description: 'No access point answers in any building.',
    impact: 'Entire University affected', urgency: 'Work Stopped - No workaround', service: 'Wi-Fi',
    contact: { name: 'Pat Doe' }, startedAt: '2026-03-16T14:00:00Z', status: 'Resolved', resolution: 'Rebooted the controller',
    children: [{ id: 'TT-2', status: 'In Process' }],
  };
  for (const context of [undefined, {}, { children: null }]) {
    const r = e.transition(outage, 'Closed', context);
    assert.equal(r.allowed, false, JSON.stringify(context));
    assert.deepEqual(r.errors.map((x) => x.code), ['CHILDREN_OPEN']);
  }
  assert.equal(e.transition(outage, 'Closed', { children: [{ id: 'TT-2', status: 'Closed' }] }).allowed, true);
});

test('a whole number past 2^53 in a ticket is answered, as JSON.parse would read it', () => {
  const e = RuleEngine.default();
  for (const big of [2 ** 53, -(2 ** 53), 1e19, 2 ** 60]) {
    const r = e.validate({ ...good, id: big });
    assert.equal(r.ticket.id, big);
    assert.equal(e.redact({ ...good, id: big }, 'customer').id, big);
  }
});

test('the JSON Schema export agrees with validate on empty values', async () => {
  const { default: Ajv } = await import('ajv/dist/2020.js');
  const { default: addFormats } = await import('ajv-formats');
  const e = RuleEngine.default();
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  const check = ajv.compile(e.jsonSchema('incident'));
  const filled = e.validate({ ...good, urgency: 'Work Impaired' }).ticket;
  const stopped = e.validate({ ...good, urgency: 'Work Stopped - No workaround' }).ticket;
  for (const [what, t] of [
    ['as filled', filled],
    ['an empty summary', { ...filled, summary: '' }],
    ['a summary of spaces', { ...filled, summary: ' \t ' }],
    ['a phone of spaces', { ...filled, contact: { ...filled.contact, phone: '   ' } }],
    ['a null description', { ...filled, description: null }],
    ['an empty phone', { ...filled, contact: { ...filled.contact, phone: '' } }],
    ['a null component', { ...filled, component: null }],
    ['a bad phone', { ...filled, contact: { ...filled.contact, phone: '12' } }],
    // The data rule: when work has stopped, 20 characters of description.
    ['work stopped, described', stopped],
    ['work stopped, too brief', { ...stopped, description: 'It is broken' }],
    ['work stopped, 20 characters in spaces', { ...stopped, description: '   It is broken now!!   ' }],
    ['work stopped, 19 characters in spaces', { ...stopped, description: '   It is broken now!   ' }],
    ['work stopped, no description', { ...stopped, description: undefined }],
    ['work stopped, spelt in capitals', { ...stopped, urgency: 'WORK STOPPED - NO WORKAROUND', description: 'short' }],
  ]) {
    assert.equal(check(t), e.validate(t).valid, `${what}: ${JSON.stringify(check.errors)} / ${JSON.stringify(e.validate(t).errors)}`);
  }
});
