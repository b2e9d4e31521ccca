// Per-field permissions from Node (issue 9): the default pack's role ×
// field × action table through the binding, the crafted request a form
// would not have allowed, and redaction for a role's browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RuleEngine, validationCodes } from 'ticket-rules';

const engine = RuleEngine.default();
const ROLES = ['customer', 'technician', 'dispatcher', 'incident manager'];
const base = (status) => ({
  type: 'incident', status, summary: 'VPN down for the finance office',
  description: 'Since 9:00 nobody in Finance can connect to the VPN from home.',
  impact: 'Single Department affected', urgency: 'Work Impaired', service: 'VPN',
  contact: { name: 'Pat Doe' },
});

// [field, value, per role: [read In Process, read Resolved, create, change]]
// — the same table as tests/permissions.rs, from rules/forms.rhai.
const Y = true, N = false;
const ALL = [Y, Y, Y, Y], STAFF = [N, Y, Y, Y], NONE = [N, N, N, N];
const row = (read, resolved, create, change) => ROLES.map((_, i) => [read[i], resolved[i], create[i], change[i]]);
const TABLE = [
  ['summary', 'The VPN drops every ten minutes', row(ALL, ALL, ALL, ALL)],
  ['impact', 'Multiple Buildings affected', row(ALL, ALL, ALL, STAFF)],
  ['urgency', 'Work Stopped - Workaround available', row(ALL, ALL, ALL, STAFF)],
  ['priority', '1 - Critical', row(ALL, ALL, NONE, NONE)],
  ['resolution', 'Replaced the VPN concentrator', row(STAFF, ALL, STAFF, STAFF)],
];

const codeOn = (r, field) => r.errors.find((e) => e.field === field)?.code;

test('the role × field × action table, through the binding', () => {
  for (const [field, value, rows] of TABLE) {
    ROLES.forEach((role, i) => {
      const [read, readResolved, create, change] = rows[i];
      const what = `${role} × ${field}`;
      for (const [status, may] of [['In Process', read], ['Resolved', readResolved]]) {
        const shown = field in engine.redact({ ...base(status), [field]: value }, role);
        assert.equal(shown, may, `${what}: read at ${status}`);
      }
      const refused = (ok, readable) => (ok ? undefined : readable ? 'READ_ONLY' : 'FORBIDDEN');
      const created = engine.validate({ ...base('New'), [field]: value }, null, { role });
      const c = codeOn(created, field);
      // The priority is the matrix's: what is sent there is replaced, not refused.
      const matrixs = field === 'priority';
      assert.equal(c === 'READ_ONLY' || c === 'FORBIDDEN' ? c : undefined, matrixs ? undefined : refused(create, read), `${what}: create`);
      const before = base('In Process');
      const changed = engine.validate({ ...before, [field]: value }, null, { role, previous: before });
      const d = codeOn(changed, field);
      assert.equal(d === 'READ_ONLY' || d === 'FORBIDDEN' ? d : undefined, matrixs ? undefined : refused(change, read), `${what}: change`);
      if (matrixs) assert.equal(changed.ticket.priority, 'Standard', `${what}: the matrix's priority`);
      const mode = engine.formSchema('incident', { role, status: 'In Process' }).fields.find((f) => f.name === field).mode;
      assert.equal(mode, change ? 'editable' : read ? 'readonly' : 'hidden', `${what}: mode`);
    });
  }
});

test('a customer cannot raise a priority by a crafted request', () => {
  const before = engine.validate(base('In Process')).ticket;
  const crafted = { ...before, impact: 'Entire University affected', urgency: 'Work Stopped - No workaround', priority: '1 - Critical' };
  const r = engine.validate(crafted, null, { role: 'customer', previous: before });
  assert.equal(r.valid, false);
  for (const f of ['impact', 'urgency']) assert.equal(codeOn(r, f), 'READ_ONLY', f);
  assert.equal(codeOn(r, 'priority'), undefined); // replaced by the matrix's
  assert.equal(r.ticket.priority, before.priority);
  assert.equal(r.ticket.impact, before.impact);
  assert.match(r.errors.find((e) => e.field === 'urgency').message, /cannot be changed by a customer/);
  for (const e of r.errors) assert.ok(validationCodes().includes(e.code), e.code);
  // The form the customer was shown says so too.
  const schema = engine.formSchema('incident', { role: 'customer', status: 'In Process' });
  assert.equal(schema.role, 'customer');
  assert.deepEqual(
    Object.fromEntries(schema.fields.filter((f) => f.mode !== 'editable').map((f) => [f.name, f.mode])),
    { impact: 'readonly', urgency: 'readonly', priority: 'readonly', resolution: 'hidden' },
  );
});

test('redacted for the customer, and whole again when it comes back', () => {
  const t = { ...base('In Process'), openedAt: '2026-03-16T14:00:00Z', resolution: 'Draft', history: [{ at: '2026-03-16T14:20:00Z', status: 'In Process' }, { at: '2026-03-16T15:00:00Z', resolution: 'idea', note: 'kept' }] };
  const sent = engine.redact(t, 'customer');
  assert.equal('resolution' in sent, false);
  assert.deepEqual(sent.history, [{ at: '2026-03-16T14:20:00Z', status: 'In Process' }, { at: '2026-03-16T15:00:00Z', note: 'kept' }]);
  const r = engine.validate({ ...sent, description: 'It also drops on campus Wi-Fi, since this morning.' }, null, { role: 'customer', previous: t });
  assert.equal(r.valid, true, JSON.stringify(r.errors));
  assert.equal(r.ticket.resolution, 'Draft');
  // The history it was shown comes back whole too: the host's record.
  assert.deepEqual(r.ticket.history, t.history);
});

test('the pack says which roles there are', () => {
  assert.deepEqual(engine.userRoles, ROLES);
  assert.deepEqual(RuleEngine.fromSources({ 'a.rhai': 'priorities(["P"]); impact("I"); urgency("U"); row("U", [cell("24x7", "1h", "P", "2h")]);' }).userRoles, []);
});

test('unknown roles are coded errors', () => {
  assert.throws(() => engine.validate(base('New'), null, { role: 'janitor' }), { code: 'UNKNOWN_ROLE' });
  assert.throws(() => engine.redact(base('New'), 'janitor'), { code: 'UNKNOWN_ROLE' });
  assert.throws(() => engine.formSchema('incident', { role: 'janitor' }), { code: 'UNKNOWN_ROLE' });
  assert.throws(() => engine.formSchema('incident', { role: 3 }), { code: 'INVALID_TYPE' });
  // Without options, as before.
  assert.equal(engine.formSchema('incident').fields.find((f) => f.name === 'impact').mode, undefined);
});
