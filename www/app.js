// The priority page: plain ES modules, no bundler. The form's menus and the
// matrix come from the rule pack itself (engine.matrix()), so a pack with
// other levels renders another form without a change here.
import init, { RuleEngine } from '../pkg/web/ticket_rules.js';

const $ = (id) => document.getElementById(id);

function duration(s) {
  if (s % 3600 === 0) return `${s / 3600} h`;
  return `${s / 60} min`;
}

function option(value, label = value) {
  const o = document.createElement('option');
  o.value = value;
  o.textContent = label;
  return o;
}

function fillMenus(m) {
  const impact = $('impact');
  impact.append(option('', '— choose —'));
  for (const level of m.impacts) {
    const group = document.createElement('optgroup');
    group.label = level.name;
    for (const alias of level.aliases.length ? level.aliases : [level.name]) group.append(option(alias));
    impact.append(group);
  }
  for (const id of ['urgency', 'customerSeverity']) {
    $(id).append(option('', id === 'urgency' ? '— choose —' : '— same as above —'));
    for (const level of m.urgencies) $(id).append(option(level.name));
  }
}

function drawMatrix(m, at) {
  const t = $('matrix');
  t.replaceChildren();
  const head = t.createTHead().insertRow();
  head.append(Object.assign(document.createElement('th'), { textContent: 'urgency \\ impact' }));
  for (const l of m.impacts) head.append(Object.assign(document.createElement('th'), { textContent: l.name }));
  const body = t.createTBody();
  m.cells.forEach((row, u) => {
    const tr = body.insertRow();
    tr.append(Object.assign(document.createElement('th'), { textContent: m.urgencies[u].name }));
    row.forEach((c, i) => {
      const td = tr.insertCell();
      td.className = `p-${m.priorities.indexOf(c.priority)}`;
      if (at && at.urgency === m.urgencies[u].name && at.impactLevel === m.impacts[i].name) td.classList.add('here');
      td.innerHTML = `<b></b><span></span>`;
      td.firstChild.textContent = c.priority;
      td.lastChild.textContent = `${c.clock} · ${duration(c.respondSeconds)} / ${duration(c.resolveSeconds)}${c.process ? ` · ${c.process}` : ''}`;
    });
  });
}

function show(engine, m) {
  const ticket = {
    impact: $('impact').value,
    urgency: $('urgency').value,
    customerSeverity: $('customerSeverity').value || undefined,
  };
  $('error').hidden = true;
  $('targets').replaceChildren();
  if (!ticket.impact || !ticket.urgency) {
    $('priority').textContent = 'Choose an impact and an urgency.';
    $('priority').dataset.priority = '';
    drawMatrix(m, null);
    return;
  }
  try {
    const r = engine.priority(ticket);
    $('priority').textContent = `Priority: ${r.priority}`;
    $('priority').dataset.priority = r.priority;
    const facts = [
      ['Respond by', `${duration(r.respondSeconds)} (${r.clock === '24x7' ? 'around the clock' : 'business hours'})`],
      ['Resolve by', duration(r.resolveSeconds)],
      ['Process', r.process ?? '—'],
    ];
    if (r.customerPriority && r.customerPriority !== r.priority) facts.push(['You said', `${r.customerSeverity} (${r.customerPriority})`]);
    for (const [k, v] of facts) {
      $('targets').append(Object.assign(document.createElement('dt'), { textContent: k }), Object.assign(document.createElement('dd'), { textContent: v }));
    }
    drawMatrix(m, r);
  } catch (err) {
    $('error').hidden = false;
    $('error').textContent = `${err.code}: ${err.message}`;
  }
}

await init();
const engine = RuleEngine.default();
const m = engine.matrix();
$('pack').textContent = `${engine.packName} ${engine.packVersion}`;
fillMenus(m);
drawMatrix(m, null);
for (const id of ['impact', 'urgency', 'customerSeverity']) $(id).addEventListener('change', () => show(engine, m));
document.body.dataset.ready = 'true';
