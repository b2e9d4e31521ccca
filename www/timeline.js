// The explain ledger drawn: a ticket's statuses, its SLA clock (running,
// closed, paused, stopped), DST changes, the due instant, now, and the
// escalations that fired and the next one, on one time axis.
const NS = 'http://www.w3.org/2000/svg';
const W = 1000;
const H = 190;
const LEFT = 90;

function node(tag, attrs = {}, text) {
  const n = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, v);
  if (text !== undefined) n.textContent = text;
  return n;
}

const ms = (iso) => Date.parse(iso);

/** The status runs of a ticket's history, up to `now`. */
function statusRuns(ticket, now) {
  const runs = [];
  let status = 'New';
  let since = ms(ticket.openedAt);
  for (const h of ticket.history ?? []) {
    const at = ms(h.at);
    if (at > now) break;
    if (h.status && h.status !== status) {
      runs.push([since, at, status]);
      status = h.status;
      since = at;
    }
  }
  runs.push([since, now, status]);
  return runs;
}

const STATUS_COLOURS = {
  New: '#c7d2fe', 'In Process': '#a7f3d0', 'Wait Customer': '#fed7aa', 'Wait Vendor': '#fdba74',
  Resolved: '#bfdbfe', 'Customer Responded': '#fbcfe8', Closed: '#e5e7eb',
};

export function drawTimeline(svg, { ticket, ledger, escalations, now }) {
  svg.replaceChildren();
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  const nowMs = now.getTime();
  const times = [ms(ticket.openedAt), nowMs];
  for (const e of ledger) {
    if (e.from) times.push(ms(e.from), ms(e.to));
    if (e.at) times.push(ms(e.at));
  }
  if (escalations.nextWakeUp) times.push(ms(escalations.nextWakeUp));
  const t0 = Math.min(...times);
  const t1 = Math.max(...times);
  const span = Math.max(t1 - t0, 3600_000) * 1.04;
  const x = (t) => LEFT + ((t - t0) / span) * (W - LEFT - 10);

  const label = (y, text) => svg.append(node('text', { x: 4, y, class: 'row-label' }, text));
  label(33, 'Status');
  label(73, 'Clock');
  label(113, 'Escalations');

  for (const [a, b, s] of statusRuns(ticket, nowMs)) {
    const w = Math.max(1, x(b) - x(a));
    svg.append(node('rect', { x: x(a), y: 20, width: w, height: 20, fill: STATUS_COLOURS[s] ?? '#ddd', class: 'status' }, ''));
    if (w > 60) svg.append(node('text', { x: x(a) + 4, y: 34, class: 'run-label' }, s));
  }

  for (const e of ledger) {
    if (!e.from) continue;
    const kind = { counted: 'counted', closed: 'closed', paused: 'paused', stopped: 'stopped' }[e.kind];
    if (!kind) continue;
    const r = node('rect', { x: x(ms(e.from)), y: 60, width: Math.max(0.5, x(ms(e.to)) - x(ms(e.from))), height: 20, class: `clock ${kind}` });
    r.append(node('title', {}, `${e.kind}: ${e.from} → ${e.to}${e.reason ? ` (${e.reason})` : e.status ? ` (${e.status})` : ''}`));
    svg.append(r);
  }

  const mark = (t, cls, text) => {
    svg.append(node('line', { x1: x(t), x2: x(t), y1: 14, y2: 128, class: `mark ${cls}` }));
    if (text) svg.append(node('text', { x: x(t) + 3, y: 12, class: `mark-label ${cls}` }, text));
  };
  for (const e of ledger) {
    if (e.kind === 'dst') mark(ms(e.at), 'dst', `DST ${e.offsetAfter}`);
    if (e.kind === 'due') mark(ms(e.at), 'due', 'due');
  }
  mark(nowMs, 'now', 'now');

  for (const d of escalations.due) {
    const c = node('circle', { cx: x(ms(d.dueAt)), cy: 110, r: 6, class: 'esc fired' });
    c.append(node('title', {}, `${d.dueAt} ${d.level}`));
    svg.append(c);
  }
  if (escalations.nextWakeUp) {
    const c = node('circle', { cx: x(ms(escalations.nextWakeUp)), cy: 110, r: 6, class: 'esc next' });
    c.append(node('title', {}, `next look: ${escalations.nextWakeUp}`));
    svg.append(c);
  }

  // Days on the axis, in the viewer's own time zone.
  const day = new Date(t0);
  day.setHours(0, 0, 0, 0);
  const fmt = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric' });
  const days = Math.ceil(span / 86_400_000);
  const every = Math.max(1, Math.ceil(days / 12));
  for (let k = 0; k <= days + 1; k += every) {
    const d = new Date(day);
    d.setDate(day.getDate() + k);
    const t = d.getTime();
    if (t < t0 || t > t0 + span) continue;
    svg.append(node('line', { x1: x(t), x2: x(t), y1: 130, y2: 136, class: 'tick' }));
    svg.append(node('text', { x: x(t) + 2, y: 150, class: 'tick-label' }, fmt.format(d)));
  }
  svg.append(node('line', { x1: LEFT, x2: W - 10, y1: 130, y2: 130, class: 'axis' }));
}
