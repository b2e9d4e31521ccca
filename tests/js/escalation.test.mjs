// Escalations from Node: the same answers as natively, ids stable, fired
// ids honoured (array or Set), and a host loop that sets one timer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RuleEngine } from 'ticket-rules';

const emergency = {
  id: 'TT-1', impact: 'Entire University affected', urgency: 'Work Stopped - No workaround',
  service: 'Campus network', openedAt: '2026-03-16T14:00:00Z',
};

test('an emergency nobody answers, called late', () => {
  const e = RuleEngine.default();
  const r = e.escalations(emergency, new Date('2026-03-16T15:10:00Z'));
  assert.deepEqual(
    r.due.map((d) => [d.id, d.dueAt]),
    [
      ['TT-1/emergency-respond-half/0', '2026-03-16T14:07:30Z'],
      ['TT-1/respond-breach/0', '2026-03-16T14:15:00Z'],
      ['TT-1/emergency-updates/1', '2026-03-16T14:30:00Z'],
      ['TT-1/emergency-updates/2', '2026-03-16T15:00:00Z'],
    ],
  );
  assert.deepEqual(r.due[1].actions, [
    { kind: 'notify', audience: 'role', name: 'Manager', message: 'Emergency ticket TT-1: Respond By missed (2026-03-16T14:15:00Z)' },
    { kind: 'setFlag', flag: 'respondBreached', value: true },
  ]);
  assert.equal(r.nextWakeUp, '2026-03-16T15:30:00Z');
  const fired = new Set(r.due.map((d) => d.id));
  assert.deepEqual(e.escalations(emergency, '2026-03-16T15:10:00Z', fired).due, []);
  assert.deepEqual(e.escalations(emergency, '2026-03-16T15:10:00Z', [...fired]).due, []);
});

test('a host loop: one timer per ticket, every escalation exactly once, on time', () => {
  const e = RuleEngine.default();
  const ticket = {
    id: 'TT-2', impact: 'Single Building affected', urgency: 'Work Impaired', openedAt: '2026-03-16T14:00:00Z',
    history: [
      { at: '2026-03-16T15:00:00Z', status: 'In Process', event: 'responded' },
      { at: '2026-03-17T14:00:00Z', status: 'Wait Vendor' },
      { at: '2026-03-23T18:00:00Z', status: 'In Process' },
      { at: '2026-03-24T20:00:00Z', status: 'Resolved' },
    ],
    alarms: [{ at: '2026-03-19T13:00:00Z', message: 'Call the carrier back about circuit 7' }],
  };
  const events = ticket.history.map((h) => Date.parse(h.at));
  const fired = new Set();
  const seen = [];
  let now = Date.parse(ticket.openedAt);
  for (let calls = 0; calls < 50; calls++) {
    const r = e.escalations(ticket, new Date(now), fired);
    for (const d of r.due) {
      assert.ok(!fired.has(d.id), `${d.id} twice`);
      // A breach (a level at 100%) once its due instant has passed.
      const breach = d.level.endsWith('-breach');
      assert.equal(Date.parse(d.dueAt) + (breach ? 1000 : 0), now, `${d.id} late`);
      fired.add(d.id);
      seen.push(d.id);
    }
    const next = [r.nextWakeUp && Date.parse(r.nextWakeUp), ...events.filter((t) => t > now)].filter(Boolean);
    if (!next.length) break;
    now = Math.min(...next);
  }
  assert.deepEqual(seen, [
    'TT-2/alarm/2026-03-19T13:00:00Z#7ca151a6',
    'TT-2/vendor-wait/2026-03-17T14:00:00Z#0',
    'TT-2/vendor-wait/2026-03-17T14:00:00Z#1',
    'TT-2/resolve-75/0',
    'TT-2/resolve-breach/0',
  ]);
});

test('bad input gets coded errors', () => {
  const e = RuleEngine.default();
  const { id, ...noId } = emergency;
  assert.throws(() => e.escalations(noId, '2026-03-16T15:00:00Z'), { code: 'MISSING_FIELD', field: 'id' });
  assert.throws(() => e.escalations(emergency, '2026-03-16T15:00:00Z', 'TT-1/x/0'), { code: 'INVALID_TYPE', field: 'fired' });
  assert.throws(() => e.escalations(emergency, '2026-03-16T15:00:00Z', [1]), { code: 'INVALID_TYPE', field: 'fired[0]' });
  assert.throws(() => e.escalations({ ...emergency, alarms: [{ at: 'soon' }] }, '2026-03-16T15:00:00Z'), { code: 'INVALID_INSTANT', field: 'alarms[0].at' });
  void id;
});
