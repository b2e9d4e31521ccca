// The service-desk portal: plain ES modules, no bundler. Everything on the
// page comes from the rule pack: the form from engine.formSchema(), the
// checks from engine.validate(), the priority and the promised dates from
// the matrix and the pack's calendars, the agent view from explainSla() and
// escalations(). The playground edits the pack itself.
import { drawTimeline } from './timeline.js';

// The engine's module, loaded in main() (a page that cannot load it says so).
let RuleEngine;

const $ = (id) => document.getElementById(id);
const el = (tag, props = {}, ...children) => {
  const e = Object.assign(document.createElement(tag), props);
  for (const c of children) e.append(c);
  return e;
};

// `filled`: the inputs the page itself filled (a contact's email from the
// contact list), each with the value it put there. Such a value is not the
// user's: it is not sent as typed, and it follows its source (another
// contact, another email), as a fill does in the engine.
const state = { engine: null, sources: {}, schema: null, touched: new Set(), filled: new Map(), submitted: false, samples: [], answer: null };

// ---------------------------------------------------------------- report --

// The customer's form: the pack's permissions say what a customer sees
// and sets (formSchema with a role); derived read-only fields (the
// priority) are shown beside the form, not in it. A pack edited in the
// playground may have no customer role: then the form is the whole type,
// less what the engine fills and the resolution.
const role = () => (state.engine.userRoles.includes('customer') ? 'customer' : null);
const hidden = (f) =>
  role() ? f.mode === 'hidden' || (f.mode === 'readonly' && f.fill) : (f.fill && f.fill.from === 'priority') || f.name === 'resolution';

function renderForm() {
  const schema = state.engine.formSchema('incident', { role: role() });
  state.schema = schema;
  // Another pack's form keeps what the user gave in the fields it still has.
  const before = new Map([...$('fields').querySelectorAll('input, select, textarea')].map((i) => [i.name, i.value]));
  const filled = new Map(state.filled);
  state.filled.clear();
  $('form-help').textContent = schema.help ?? '';
  const box = $('fields');
  box.replaceChildren();
  for (const f of schema.fields.filter((f) => !hidden(f))) {
    const id = `f-${f.name.replace(/\./g, '-')}`;
    let input;
    if (f.kind === 'enum') {
      input = el('select', { id, name: f.name }, el('option', { value: '', textContent: '— choose —' }));
      for (const m of f.menu) input.append(el('option', { value: m.value, textContent: m.label }));
    } else if (f.kind === 'longtext') {
      input = el('textarea', { id, name: f.name, rows: 4 });
    } else {
      const type = { email: 'email', phone: 'tel', number: 'number' }[f.kind] ?? 'text';
      input = el('input', { id, name: f.name, type });
      if (f.kind === 'reference' && f.choices?.length) {
        const list = el('datalist', { id: `${id}-choices` });
        for (const c of f.choices) list.append(el('option', { value: c }));
        box.append(list);
        input.setAttribute('list', list.id);
      }
    }
    // No HTML maxlength: it counts UTF-16 units (an emoji is two) and cuts
    // without a word; the engine counts characters and says TOO_LONG.
    const mark = el('span', { className: 'required', textContent: f.required ? ' *' : '' });
    const label = el('label', { htmlFor: id }, f.label, mark);
    const when = f.requiredWhen ? el('small', { className: 'when', id: `${id}-when`, textContent: ` (required when ${describe(f.requiredWhen)})` }) : '';
    const help = el('small', { className: 'help', id: `${id}-help`, textContent: f.help ?? '' });
    const error = el('small', { className: 'error', id: `${id}-error`, role: 'alert' });
    input.setAttribute('aria-describedby', [when && when.id, help.id, error.id].filter(Boolean).join(' '));
    input.setAttribute('aria-required', String(Boolean(f.required)));
    input.setAttribute('aria-invalid', 'false');
    const row = el('div', { className: 'field' }, label, when, input, help, error);
    row.dataset.name = f.name;
    box.append(row);
    // Typing makes the value the user's; while they type, an emptied field
    // is not filled again under their cursor (its placeholder shows what
    // the pack will fill), once they leave it (or submit) it is.
    input.addEventListener('input', () => {
      state.filled.delete(f.name);
      state.touched.add(f.name);
      update(input);
      edited();
    });
    input.addEventListener('change', () => {
      state.touched.add(f.name);
      update();
      edited();
    });
    const value = before.get(f.name);
    if (value && !(filled.has(f.name) && filled.get(f.name) === value)) {
      input.value = value;
      if (input.value !== value) input.value = '';
    }
  }
}

/** A change after a submit: its "thank you" is for a ticket no longer on the form. */
function edited() {
  $('submitted').hidden = true;
}

function describe(cond) {
  return Object.entries(cond)
    .map(([k, v]) => `${k.replace('impact_level', 'the impact level')} is ${Array.isArray(v) ? v.join(' or ') : v}`)
    .join(' and ');
}

/** The ticket the form holds now: what the user gave (not what the page filled). */
function formTicket() {
  const t = { type: 'incident' };
  for (const input of $('fields').querySelectorAll('input, select, textarea')) {
    if (input.value === '' || state.filled.get(input.name) === input.value) continue;
    const parts = input.name.split('.');
    let at = t;
    for (const p of parts.slice(0, -1)) at = at[p] ??= {};
    at[parts[parts.length - 1]] = input.type === 'number' ? Number(input.value) : input.value;
  }
  return t;
}

const when = (iso) =>
  new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short', hour: 'numeric', minute: '2-digit', timeZoneName: 'short' }).format(new Date(iso));

const duration = (s) => (s % 3600 === 0 ? `${s / 3600} h` : `${Math.round(s / 60)} min`);

/** Validates the form; `editing`: an input the user is typing in. */
function update(editing = null) {
  const ticket = formTicket();
  const result = state.engine.validate(ticket, 'incident', { role: role() });
  // Show what the pack filled (the contact's details) where the user gave
  // nothing: what the form shows is what the answer holds. A value the page
  // filled follows its source, and goes when its source gives none.
  for (const input of $('fields').querySelectorAll('input, select, textarea')) {
    const found = input.name.split('.').reduce((v, p) => v?.[p], result.ticket);
    const value = typeof found === 'string' || typeof found === 'number' ? String(found) : '';
    const mine = input.value !== '' && !state.filled.has(input.name);
    input.placeholder = '';
    if (mine || input.value === value) continue;
    if (input === editing && input.value === '') {
      if (input.tagName !== 'SELECT') input.placeholder = value;
      continue;
    }
    input.value = value;
    if (value !== '' && input.value === value) state.filled.set(input.name, value);
    else state.filled.delete(input.name);
  }
  // Messages next to the fields the user has touched (all of them after a submit).
  for (const box of $('fields').querySelectorAll('.field')) {
    const name = box.dataset.name;
    const errors = result.errors.filter((e) => e.field === name || e.field.startsWith(`${name}[`));
    const show = state.submitted || state.touched.has(name);
    const slot = box.querySelector('.error');
    slot.textContent = show ? errors.map((e) => e.message).join('; ') : '';
    box.classList.toggle('invalid', show && errors.length > 0);
    // Required now, as the engine judges the pack's conditions (not again here).
    const required = result.required.includes(name);
    box.querySelector('.required').textContent = required ? ' *' : '';
    const input = box.querySelector('input, select, textarea');
    input.setAttribute('aria-required', String(Boolean(required)));
    input.setAttribute('aria-invalid', String(show && errors.length > 0));
  }
  showPriority(result.ticket);
  return result;
}

/** Which hours a clock counts, in words: whose business hours, too. */
function hours(clock) {
  if (clock === '24x7') return 'around the clock';
  let zone = '';
  try {
    zone = state.engine.calendar(clock).timezone;
  } catch {
    // A clock the engine cannot show: its name alone.
  }
  return zone ? `business hours, ${zone.split('/').pop().replaceAll('_', ' ')} time` : 'business hours';
}

function showPriority(ticket) {
  let answer;
  try {
    const p = state.engine.priority(ticket);
    const rows = [
      ['Respond within', `${duration(p.respondSeconds)} (${hours(p.clock)})`],
      ['Resolve within', `${duration(p.resolveSeconds)} (${hours(p.clock)})`],
    ];
    if (p.process) rows.push(['Process', p.process]);
    // The promise, in the user's own time zone, from the pack's calendars.
    const now = new Date();
    const sla = state.engine.sla({ ...ticket, openedAt: now, history: [] }, now);
    answer = {
      priority: p.priority,
      rows,
      respond: sla.respond.due,
      resolve: sla.resolve.due,
      promise: `If you report it now, we will respond by ${when(sla.respond.due)} and aim to resolve it by ${when(sla.resolve.due)}.`,
    };
  } catch {
    answer = { priority: '', rows: [], respond: '', resolve: '', promise: '' };
  }
  // The answer is a live region: rewritten only when it says something
  // new, not at every keystroke of the summary.
  const key = JSON.stringify(answer);
  if (key === state.answer) return;
  state.answer = key;
  $('priority').textContent = answer.priority ? `Priority: ${answer.priority}` : 'Tell us who is affected and how.';
  $('priority').dataset.priority = answer.priority;
  $('targets').replaceChildren(...answer.rows.flatMap(([k, v]) => [el('dt', { textContent: k }), el('dd', { textContent: v })]));
  $('promise').textContent = answer.promise;
  $('promise').dataset.respond = answer.respond;
  $('promise').dataset.resolve = answer.resolve;
}

$('report-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  state.submitted = true;
  const result = update();
  const done = $('submitted');
  done.hidden = !result.valid;
  if (result.valid) done.textContent = `Thank you. Your ${result.ticket.priority} ticket is ready to send: ${JSON.stringify(result.ticket)}`;
  else $('fields').querySelector('.invalid input, .invalid select, .invalid textarea')?.focus();
});

// ----------------------------------------------------------------- agent --

/** A file's text; a failed request or a status other than 2xx throws, naming the file. */
async function fetchText(url) {
  let res;
  try {
    res = await fetch(url);
  } catch (e) {
    throw new Error(`${url.replace(/^\.\.\//, '')} could not be fetched (${e.message})`);
  }
  if (!res.ok) throw new Error(`${url.replace(/^\.\.\//, '')} could not be fetched (HTTP ${res.status})`);
  return res.text();
}

async function loadSamples() {
  const text = await fetchText('../examples/history.jsonl');
  state.samples = text.trim().split('\n').map((l) => JSON.parse(l));
  const select = $('sample');
  for (const [i, t] of state.samples.entries()) select.append(el('option', { value: i, textContent: `${t.id} · ${t.summary} · ${t.status}` }));
  select.value = '5';
  const t = state.samples[5];
  const last = t.history.at(-1)?.at ?? t.openedAt;
  $('now').value = toLocalInput(new Date(Date.parse(last) - 3600_000));
}

/** A ticket's status at `now`, as the clocks read its history. */
function statusAt(t, now) {
  if (now < new Date(t.openedAt)) return 'not yet opened';
  try {
    return state.engine.sla(t, now).status;
  } catch {
    return t.status;
  }
}

function toLocalInput(d) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function renderAgent() {
  if (!state.samples.length) return;
  const ticket = state.samples[Number($('sample').value)];
  // "As of" emptied: this moment, shown in the field (not a clock read in silence).
  if (!$('now').value) $('now').value = toLocalInput(new Date());
  const now = new Date($('now').value);
  const which = $('which').value;
  // Each ticket in the picker with its status as of the instant shown.
  for (const [i, t] of state.samples.entries()) $('sample').options[i].textContent = `${t.id} · ${t.summary} · ${statusAt(t, now)}`;
  let explained;
  let esc;
  // The queue, whether or not the ticket picked can be explained at now.
  renderQueue(now, ticket);
  try {
    explained = state.engine.explainSla(ticket, now);
    esc = state.engine.escalations(ticket, now);
  } catch (e) {
    // Nothing of another instant stays drawn under the error.
    $('summary').textContent = `${e.code}: ${e.message}`;
    $('summary').classList.add('error');
    $('timeline').replaceChildren();
    $('escalations').replaceChildren();
    $('wake').textContent = '';
    $('ledger').tBodies[0].replaceChildren();
    return;
  }
  $('summary').classList.remove('error');
  const clock = explained[which];
  const r = clock.report;
  $('summary').textContent = `${ticket.id} · ${ticket.impact} × ${ticket.urgency} · ${which === 'resolve' ? 'Resolved By' : 'Respond By'}: ${r.state}, ${r.percentUsed}% used${r.due ? `, due ${when(r.due)}` : ''}`;
  drawTimeline($('timeline'), { ticket, ledger: clock.entries, escalations: esc, now });
  const list = $('escalations');
  list.replaceChildren();
  for (const d of esc.due) {
    const what = d.actions.map((a) => (a.kind === 'notify' ? `notify ${a.name ?? a.audience}: ${a.message}` : a.kind === 'raisePriority' ? `raise to ${a.to}` : a.kind === 'reassign' ? `reassign to ${a.group}` : `flag ${a.flag}`));
    list.append(el('li', { textContent: `${when(d.dueAt)} — ${d.level}: ${what.join('; ')}` }));
  }
  if (!esc.due.length) list.append(el('li', { textContent: 'Nothing due.' }));
  $('wake').textContent = esc.nextWakeUp ? `Next look: ${when(esc.nextWakeUp)}` : 'Nothing can come due until the ticket changes.';
  const body = $('ledger').tBodies[0];
  body.replaceChildren();
  for (const e of clock.entries) {
    const span = e.from ? `${when(e.from)} → ${when(e.to)}` : when(e.at);
    const detail = { cell: `${e.priority}: ${e.impactLevel} × ${e.urgency}, ${duration(e.targetSeconds)} on ${e.clock}`, counted: duration(e.seconds), closed: e.reason, paused: e.status, stopped: e.status, dst: `${e.offsetBefore} → ${e.offsetAfter}`, due: 'due', now: 'now' }[e.kind];
    body.append(el('tr', { className: e.kind }, el('td', { textContent: e.kind }), el('td', { textContent: span }), el('td', { textContent: detail ?? '' })));
  }
}

// The work queue of every sample at `now`, one call; a row picks its ticket.
function renderQueue(now, current) {
  const body = $('queue').tBodies[0];
  body.replaceChildren();
  let q;
  try {
    q = state.engine.queue(state.samples, now);
  } catch (e) {
    $('queue-rest').textContent = `${e.code}: ${e.message}`;
    return;
  }
  for (const e of q.entries) {
    // The ticket is a button (keyboard and screen reader); the whole row takes a click too.
    const pick = el('button', { type: 'button', className: 'pick', textContent: `${e.id} · ${state.samples[e.index].summary}` });
    pick.dataset.index = String(e.index);
    if (state.samples[e.index] === current) pick.setAttribute('aria-current', 'true');
    const row = el('tr', { className: `${e.state}${state.samples[e.index] === current ? ' current' : ''}` },
      el('td', { textContent: String(e.rank) }),
      el('td', {}, pick),
      el('td', { textContent: e.priority }),
      el('td', { textContent: e.reason.replace(/clock resumes (\S+)/, (_, t) => `clock resumes ${when(t)}`) }));
    row.addEventListener('click', () => {
      const focused = row.contains(document.activeElement);
      $('sample').value = String(e.index);
      renderAgent();
      // The queue is drawn anew: the keyboard stays on the ticket picked.
      if (focused) $('queue').querySelector(`button[data-index="${e.index}"]`)?.focus();
    });
    body.append(row);
  }
  const rest = [];
  if (q.notOpen.length) rest.push(`${q.notOpen.length} resolved or closed`);
  if (q.problems.length) rest.push(`${q.problems.length} not yet opened or unreadable`);
  $('queue-rest').textContent = rest.length ? `Not in the queue: ${rest.join(', ')}.` : '';
}

for (const id of ['sample', 'now', 'which']) $(id).addEventListener('change', renderAgent);

// ------------------------------------------------------------ playground --

async function loadSources(engine) {
  const sources = {};
  await Promise.all(engine.files.map(async (name) => {
    sources[name] = await fetchText(`../rules/${name}`);
  }));
  return Object.fromEntries(engine.files.map((name) => [name, sources[name]]));
}

/** The playground without its sources: says why, and takes no edits. */
function sourcesMissing(e) {
  state.sources = {};
  $('file').replaceChildren();
  $('source').value = '';
  for (const id of ['file', 'source', 'reload']) $(id).disabled = true;
  $('pack-errors').replaceChildren(el('p', { className: 'error', id: 'sources-missing', textContent: `The playground needs the pack's rule files, and one did not load: ${e.message}. The form and the agent view work with the rules built in; "${$('reset').textContent}" tries again.` }));
}

function sourcesLoaded(sources) {
  state.sources = sources;
  for (const id of ['file', 'source', 'reload']) $(id).disabled = false;
  renderFiles();
}

function renderFiles() {
  const select = $('file');
  const current = select.value;
  select.replaceChildren(...Object.keys(state.sources).map((n) => el('option', { value: n, textContent: n })));
  select.value = current && state.sources[current] !== undefined ? current : 'priority.rhai';
  $('source').value = state.sources[select.value];
}

$('file').addEventListener('change', () => {
  $('source').value = state.sources[$('file').value];
});
$('source').addEventListener('input', () => {
  state.sources[$('file').value] = $('source').value;
});

function reload() {
  const box = $('pack-errors');
  box.replaceChildren();
  const errors = RuleEngine.checkSources(state.sources);
  if (errors.length) {
    box.append(el('p', { className: 'error', textContent: `${errors.length} error${errors.length > 1 ? 's' : ''}; the page keeps the last rules that loaded.` }));
    const list = el('ul', { className: 'errors' });
    for (const e of errors) {
      const where = e.file ? `${e.file}:${e.line}:${e.column}` : 'pack';
      const message = e.message.startsWith(`${where}: `) ? e.message.slice(where.length + 2) : e.message;
      // A button: reached and pressed from the keyboard too.
      const jump = el('button', { type: 'button', className: 'pick', title: e.file ? 'Show it in the file' : '' }, el('code', { textContent: where }), ` ${e.code}: ${message}`);
      jump.addEventListener('click', () => jumpTo(e));
      list.append(el('li', {}, jump));
    }
    box.append(list);
    return;
  }
  // Rules that load may still not serve the page (no "incident" type, a
  // hook that fails on the form): tried before the old ones go.
  let engine;
  try {
    engine = RuleEngine.fromSources(state.sources);
    setEngine(engine);
  } catch (e) {
    if (engine && engine !== state.engine) engine.free();
    const why = /unknown ticket type "incident"/.test(e.message) ? ' (the form is the pack\'s "incident" type)' : '';
    box.append(el('p', { className: 'error', textContent: `These rules load, but the page cannot use them: ${e.code ? `${e.code}: ` : ''}${e.message}${why}; the page keeps the last rules that loaded.` }));
    return;
  }
  box.append(el('p', { className: 'ok', textContent: `Loaded ${state.engine.packName ?? 'the pack'} ${state.engine.packVersion}: the form, the priority and the agent view now use these rules.` }));
}

/** Puts the cursor at an error's line and column. */
function jumpTo(e) {
  if (!e.file) return;
  $('file').value = e.file;
  const text = state.sources[e.file];
  $('source').value = text;
  const lines = text.split('\n');
  const line = lines[e.line - 1] ?? '';
  // The engine's columns count characters (code points); the textarea's
  // offsets count UTF-16 units, two for a character past U+FFFF (an emoji).
  let at = 0;
  for (let c = 1; c < e.column && at < line.length; c++) at += line.codePointAt(at) > 0xffff ? 2 : 1;
  const offset = lines.slice(0, e.line - 1).reduce((n, l) => n + l.length + 1, 0) + at;
  const width = at < line.length && line.codePointAt(at) > 0xffff ? 2 : 1;
  $('source').focus();
  $('source').setSelectionRange(offset, offset + width);
}

$('reload').addEventListener('click', reload);
$('reset').addEventListener('click', async () => {
  const engine = RuleEngine.default();
  setEngine(engine);
  $('pack-errors').replaceChildren();
  try {
    sourcesLoaded(await loadSources(engine));
  } catch (e) {
    sourcesMissing(e);
  }
});

// ------------------------------------------------------------------ main --

/** Puts `engine` to work: the form, its answer and the agent view. If any
 * of it throws, the engine before stays (and the error is the caller's);
 * only an engine that served the page frees the one before. */
function setEngine(engine) {
  const old = state.engine;
  state.engine = engine;
  try {
    renderForm();
    update();
    renderAgent();
  } catch (e) {
    state.engine = old;
    if (old) {
      renderForm();
      update();
      renderAgent();
    }
    throw e;
  }
  old?.free();
  $('pack').textContent = `${engine.packName ?? 'pack'} ${engine.packVersion}`;
}

function route() {
  const view = (location.hash || '#report').slice(1);
  for (const v of ['report', 'agent', 'playground']) {
    $(`view-${v}`).hidden = v !== view;
    document.querySelector(`nav a[data-view="${v}"]`).classList.toggle('active', v === view);
  }
  if (view === 'agent') renderAgent();
}

window.addEventListener('hashchange', route);

// The form needs only the engine (its default pack is inside the wasm):
// it comes first. The agent view's samples and the playground's sources
// load beside it, and a view whose files did not load says so.
async function main() {
  let engine;
  try {
    const mod = await import('../pkg/web/ticket_rules.js');
    await mod.default();
    RuleEngine = mod.RuleEngine;
    engine = RuleEngine.default();
  } catch (e) {
    const message = `The rules engine (pkg/web/ticket_rules_bg.wasm) could not be loaded: ${e.message ?? e}. The form needs it; reload the page to try again.`;
    $('pack').textContent = 'not loaded';
    $('form-help').textContent = '';
    $('load-error').textContent = message;
    $('load-error').hidden = false;
    $('submit').hidden = true;
    route();
    document.body.dataset.ready = 'failed';
    return;
  }
  setEngine(engine);
  route();
  const [samples, sources] = await Promise.allSettled([loadSamples(), loadSources(engine)]);
  if (samples.status === 'rejected') {
    $('summary').textContent = `The sample tickets did not load: ${samples.reason.message}. The agent view has nothing to show.`;
    $('summary').classList.add('error');
  }
  if (sources.status === 'fulfilled') sourcesLoaded(sources.value);
  else sourcesMissing(sources.reason);
  if (state.samples.length) renderAgent();
  document.body.dataset.ready = 'true';
}

main();
