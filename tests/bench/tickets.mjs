// The ticket the escalation and whole-ticket benchmarks evaluate: an
// incident with a responded event, a vendor wait and an alarm clock,
// looked at a day after the wait (4 escalations of the default pack due).
export const incident = {
  id: 'TT-2', type: 'incident', impact: 'Single Building affected', urgency: 'Work Impaired',
  service: 'File shares', openedAt: '2026-03-16T14:00:00Z',
  history: [
    { at: '2026-03-16T15:00:00Z', status: 'In Process', event: 'responded' },
    { at: '2026-03-17T14:00:00Z', status: 'Wait Vendor' },
    { at: '2026-03-23T18:00:00Z', status: 'In Process' },
  ],
  alarms: [{ at: '2026-03-19T13:00:00Z', message: 'Call the carrier back about circuit 7' }],
};
export const now = '2026-03-24T15:00:00Z';
