// Calendars and SLA clocks from Node: every shared vector, Dates in,
// coded errors out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Calendar, RuleEngine } from 'ticket-rules';

const data = (f) => JSON.parse(readFileSync(new URL(`../data/${f}`, import.meta.url)));

test('every add and between vector', () => {
  const adds = data('vectors/business_time_vectors.json').cases;
  for (const c of adds) {
    const cal = Calendar.fromObject(c.calendar);
    assert.equal(cal.add(c.start, c.duration_seconds, c.pauses), c.expected_due, c.id);
    assert.equal(cal.add(new Date(c.start), c.duration_seconds, c.pauses.map(([f, t]) => ({ from: new Date(f), to: t }))), c.expected_due, c.id);
    cal.free();
  }
  const betweens = data('vectors/business_time_between_vectors.json').cases;
  for (const c of betweens) {
    assert.equal(Calendar.fromObject(c.calendar).between(c.from, c.to, c.pauses), c.expected_seconds, c.id);
  }
  assert.ok(adds.length >= 48 && betweens.length >= 12);
});

test('the pack calendars: business (New York, holidays) and 24x7', () => {
  const e = RuleEngine.default();
  assert.deepEqual(e.calendars, ['24x7', 'business']);
  const b = e.calendar('business');
  assert.equal(b.timezone, 'America/New_York');
  // Wed before Thanksgiving 16:00 EST + 2 h: Thursday and Friday closed → Monday 09:00.
  assert.equal(b.add('2026-11-25T21:00:00Z', '2h'), '2026-11-30T14:00:00Z');
  assert.equal(b.isOpen('2026-11-27T15:00:00Z'), false);
  assert.equal(b.nextOpen('2026-11-27T15:00:00Z'), '2026-11-30T13:00:00Z');
  assert.equal(e.calendar('24x7').add('2026-03-08T06:30:00Z', 3600), '2026-03-08T07:30:00Z');
  assert.throws(() => e.calendar('nights'), { code: 'UNKNOWN_CALENDAR', allowed: ['24x7', 'business'] });
});

test('bad calendars and arguments get coded errors with the field', () => {
  const cases = [
    [{ timezone: 'Nowhere/City', weekly: {} }, 'UNKNOWN_TIMEZONE', 'timezone'],
    [{ timezone: 'UTC', weekly: { mon: [['08:00', '25:00']] } }, 'INVALID_TIME', 'weekly.mon[0]'],
    [{ timezone: 'UTC', weekly: { mon: [['12:00', '08:00']] } }, 'INVALID_CALENDAR', 'weekly.mon[0]'],
    [{ timezone: 'UTC', weekly: { mon: ['08:00-12:00', '11:00-13:00'] } }, 'INVALID_CALENDAR', 'weekly.mon'],
    [{ timezone: 'UTC', weekly: {}, holidays: ['2025-02-30'] }, 'INVALID_DATE', 'holidays[0]'],
    [{ timezone: 'UTC', weekly: {}, __proto__: { polluted: true } }, null, null],
  ];
  for (const [spec, code, field] of cases) {
    if (!code) {
      assert.ok(Calendar.fromObject(spec));
      continue;
    }
    assert.throws(() => Calendar.fromObject(spec), (err) => err.code === code && err.field === field, JSON.stringify(spec));
  }
  const cal = Calendar.always();
  for (const bad of [-1, NaN, Infinity, -Infinity, 1e18, 0.5, '3 fortnights', {}]) {
    assert.throws(() => cal.add('2026-01-01T00:00:00Z', bad), { code: 'INVALID_DURATION' }, String(bad));
  }
  for (const bad of ['2026-13-01T00:00:00Z', '0000-01-01T00:00:00Z', '10000-01-01T00:00:00Z', new Date(NaN), 42]) {
    assert.throws(() => cal.add(bad, 1), (err) => ['INVALID_INSTANT', 'INVALID_TYPE'].includes(err.code) && err.field === 'start', String(bad));
  }
  assert.throws(() => cal.between('2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z', [['2026-01-01T05:00:00Z', '2026-01-01T04:00:00Z']]), { code: 'INVALID_PAUSE', field: 'pauses[0]' });
  assert.throws(() => cal.between('2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z', 'nope'), { code: 'INVALID_PAUSE' });
});

test('sla() and explainSla() on a ticket with a history', () => {
  const e = RuleEngine.default();
  const ticket = {
    id: 'TT-1042', impact: 'Single Building affected', urgency: 'Work Impaired',
    openedAt: new Date('2026-03-16T14:00:00Z'),
    history: [
      { at: '2026-03-16T15:00:00Z', status: 'In Process', event: 'responded' },
      { at: '2026-03-16T18:00:00Z', status: 'Wait Customer' },
      { at: '2026-03-17T14:00:00Z', status: 'In Process' },
    ],
  };
  const r = e.sla(ticket, '2026-03-17T16:00:00Z');
  assert.equal(r.respond.state, 'met');
  assert.deepEqual(
    [r.resolve.due, r.resolve.elapsedSeconds, r.resolve.remainingSeconds, r.resolve.percentUsed, r.resolve.state],
    ['2026-03-18T17:00:00Z', 21600, 36000, 37.5, 'running'],
  );
  assert.deepEqual([r.customerSeconds, r.serviceSeconds, r.status, r.packVersion], [72000, 21600, 'In Process', e.packVersion]);
  const x = e.explainSla(ticket, new Date('2026-03-17T16:00:00Z'));
  const paused = x.resolve.entries.find((en) => en.kind === 'paused');
  assert.deepEqual(paused, { kind: 'paused', from: '2026-03-16T18:00:00Z', to: '2026-03-17T14:00:00Z', status: 'Wait Customer' });
  const counted = x.resolve.entries.filter((en) => en.kind === 'counted').reduce((n, en) => n + en.seconds, 0);
  assert.equal(counted, 16 * 3600);
  assert.deepEqual(e.slaPolicy().pause, ['Wait Customer', 'Wait Vendor']);
  assert.throws(() => e.sla({ ...ticket, history: [{ at: '2026-03-16T13:00:00Z', status: 'In Process' }] }, ticket.openedAt), {
    code: 'INVALID_HISTORY',
    field: 'history[0].at',
  });
  assert.throws(() => e.sla(ticket), { code: 'MISSING_FIELD', field: 'now' });
});
