// The command line, run as a user runs it: a child process, files and
// pipes, exit codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync, readFileSync, cpSync, openSync, writeSync, closeSync, rmSync, symlinkSync, linkSync } from 'node:fs';
import { constants } from 'node:buffer';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CsvReader } from '../../pkg/bin/csv.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = join(root, 'pkg/bin/ticket-rules.mjs');
const run = (args, input) => spawnSync(process.execPath, [bin, ...args], { input, encoding: 'utf8', cwd: root });
const jsonl = (text) => text.trim().split('\n').map((l) => JSON.parse(l));
/** CSV text as objects by header name. */
const csvRows = (text) => {
  const reader = new CsvReader();
  const records = text.trim().split('\n').map((l, i) => reader.push(l, i + 1)).filter(Boolean);
  const [head, ...rows] = records;
  return { head, rows: rows.map((cells) => Object.fromEntries(head.map((h, i) => [h, cells[i]]))) };
};
const ticket = (id, more = {}) => ({ id, type: 'incident', impact: 'Critical', urgency: 'Work Impaired', openedAt: '2026-03-16T14:00:00Z', ...more });

test('check: the default pack loads and its own tests pass', () => {
  const r = run(['check', 'rules']);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /its-incident-management 2026\.12\.1 loads/);
  assert.match(r.stdout, /3 of 3 pack tests passed/);
});

test('check: every error of a broken pack, with file:line:column, exit 2', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tr-pack-'));
  cpSync(join(root, 'rules'), dir, { recursive: true });
  writeFileSync(join(dir, 'priority.rhai'), readFileSync(join(root, 'rules/priority.rhai'), 'utf8').replace('cell("24x7",     "15m", "Emergency"', 'cell("24x7",     "15 fortnights", "Emergency"'));
  writeFileSync(join(dir, 'zz.rhai'), 'let x = ;\n');
  const r = run(['check', dir]);
  assert.equal(r.status, 2);
  assert.match(r.stdout, /priority\.rhai:\d+:\d+: PACK_INVALID: .*unknown unit "fortnights"/);
  assert.match(r.stdout, /zz\.rhai:1:9: RULE_SYNTAX/);
  assert.match(r.stdout, /2 errors in the pack/);
  // the location is said once, in front
  for (const line of r.stdout.trim().split('\n').slice(0, 2)) assert.doesNotMatch(line, /\.rhai:\d+:\d+:.*\.rhai:\d+:\d+:/, line);
});

test('check: a stand-alone example pack runs its own tests', () => {
  const r = run(['check', 'rules/examples/glpi-5x5']);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /glpi-style-5x5 1\.0\.0 loads \(1 file\)/);
  assert.match(r.stdout, /2 of 2 pack tests passed/);
});

test('check: a failing pack test is reported, exit 1', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tr-pack-'));
  cpSync(join(root, 'rules'), dir, { recursive: true });
  const fx = JSON.parse(readFileSync(join(dir, 'tests/emergency-outage.json'), 'utf8'));
  fx.expect.priority.priority = 'Standard';
  writeFileSync(join(dir, 'tests/emergency-outage.json'), JSON.stringify(fx));
  const r = run(['check', dir]);
  assert.equal(r.status, 1);
  assert.match(r.stdout, /FAIL emergency-outage\.json[\s\S]*priority\.priority: expected "Standard", got "Emergency"/);
});

test('triage: JSONL in, JSONL out, at --now; stdin works; bad lines are reported in place', () => {
  const input = `${JSON.stringify({ id: 'TT-1', impact: 'Entire University affected', urgency: 'Work Stopped - No workaround', openedAt: '2026-03-16T14:00:00Z' })}\nnot json\n${JSON.stringify({ id: 'TT-2', impact: 'Nope', urgency: 'Work Impaired' })}\n`;
  const r = run(['triage', '-', '--now', '2026-03-16T14:20:00Z'], input);
  assert.equal(r.status, 1, r.stderr);
  const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(rows.length, 3);
  assert.deepEqual(rows[0].triage.escalationsDue, ['TT-1/emergency-respond-half/0', 'TT-1/respond-breach/0']);
  assert.equal(rows[0].triage.respondState, 'breached');
  assert.equal(rows[1].triage.error.code, 'INVALID_INPUT');
  assert.equal(rows[2].triage.error.code, 'UNKNOWN_IMPACT');
  assert.match(r.stderr, /2 of 3 tickets could not be triaged/);
});

test('triage: CSV in (quoted fields, a history column), CSV out', () => {
  const csv = [
    'id,impact,urgency,openedAt,summary,contact.name,history',
    `TT-7,Single Building affected,Work Impaired,2026-03-16T14:00:00Z,"Printer says ""PC LOAD LETTER"", again",Pat Doe,"[{""at"":""2026-03-16T15:00:00Z"",""event"":""responded""}]"`,
  ].join('\n');
  const dir = mkdtempSync(join(tmpdir(), 'tr-csv-'));
  writeFileSync(join(dir, 'in.csv'), csv);
  const r = run(['triage', join(dir, 'in.csv'), '--now', '2026-03-17T14:00:00Z', '--format', 'csv']);
  assert.equal(r.status, 0, r.stderr);
  const [head, row] = r.stdout.trim().split('\n');
  const cols = head.split(',');
  assert.ok(cols.includes('triage.priority') && cols.includes('contact.name'));
  assert.match(row, /"Printer says ""PC LOAD LETTER"", again"/);
  assert.match(row, /,Standard,/);
  assert.match(row, /,met,/, 'the responded event in the history column stopped Respond By');
});

test('triage --format csv: the header is every row\'s columns, the errors\' too, whichever row comes first', () => {
  const input = ['not json', ticket('TT-1'), ticket('TT-2', { customerSeverity: 'Work Impaired' }), ticket('TT-3', { impact: 'Nope' })].map((t) => (typeof t === 'string' ? t : JSON.stringify(t))).join('\n');
  const r = run(['triage', '-', '--now', '2026-03-16T15:00:00Z', '--format', 'csv'], input);
  assert.equal(r.status, 1, r.stderr);
  const { head, rows } = csvRows(r.stdout);
  // the ticket's columns, then the triage's, then the error's, each in the order first seen
  for (const [a, b] of [['id', 'customerSeverity'], ['customerSeverity', 'triage.priority'], ['triage.nextWakeUp', 'triage.error.code']]) {
    assert.ok(head.indexOf(a) >= 0 && head.indexOf(a) < head.indexOf(b), `${a} before ${b}: ${head}`);
  }
  assert.equal(rows.length, 4);
  assert.deepEqual([rows[0]['triage.error.code'], rows[0]['triage.error.line']], ['INVALID_INPUT', '1']);
  assert.deepEqual(rows.slice(1).map((row) => [row.id, row['triage.priority']]), [['TT-1', 'High'], ['TT-2', 'High'], ['TT-3', '']]);
  assert.equal(rows[2].customerSeverity, 'Work Impaired');
  assert.deepEqual([rows[3]['triage.error.code'], rows[3]['triage.error.field'], rows[3]['triage.error.line']], ['UNKNOWN_IMPACT', 'impact', '4']);
  // The sample export: its three rejected tickets keep their errors.
  const sample = run(['triage', 'examples/tickets.jsonl', '--now', '2026-03-20T12:00:00Z', '--format', 'csv']);
  const errors = csvRows(sample.stdout).rows.filter((row) => row['triage.error.code']);
  assert.deepEqual(errors.map((row) => [row.id, row['triage.error.code']]), [['TT-1031', 'UNKNOWN_IMPACT'], ['TT-1032', 'MISSING_FIELD'], ['TT-1033', 'UNKNOWN_SEVERITY']]);
});

test('triage: CSV in, a stray quote is a character; a quoted field never closed is reported at its line, the rest is read', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tr-csv-'));
  const head = 'id,impact,urgency,openedAt,summary';
  const row = (id, summary) => `${id},Critical,Work Impaired,2026-03-16T14:00:00Z,${summary}`;
  writeFileSync(join(dir, 'stray.csv'), [head, row('TT-1', 'My 27" monitor flickers'), row('TT-2', '"27" monitor'), row('TT-3', 'Wi-Fi')].join('\n'));
  const r = run(['triage', join(dir, 'stray.csv'), '--now', '2026-03-16T15:00:00Z']);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(jsonl(r.stdout).map((t) => [t.id, t.summary, t.triage.priority]), [['TT-1', 'My 27" monitor flickers', 'High'], ['TT-2', '27 monitor', 'High'], ['TT-3', 'Wi-Fi', 'High']]);
  writeFileSync(join(dir, 'open.csv'), [head, row('TT-1', '"two\nlines"'), row('TT-2', '"never closed'), '', row('TT-3', 'Wi-Fi')].join('\n'));
  const o = run(['triage', join(dir, 'open.csv'), '--now', '2026-03-16T15:00:00Z']);
  assert.equal(o.status, 1, o.stderr);
  const rows = jsonl(o.stdout);
  assert.deepEqual(rows.map((t) => [t.id, t.triage.priority ?? t.triage.error.code]), [['TT-1', 'High'], ['TT-2', 'INVALID_INPUT'], ['TT-3', 'High']]);
  assert.equal(rows[0].summary, 'two\nlines');
  assert.equal(rows[1].triage.error.line, 4);
  assert.match(rows[1].triage.error.message, /quoted field opened on line 4 is never closed/);
  // In the header: nothing can be read, exit 2.
  const h = run(['triage', '--now', '2026-03-16T15:00:00Z'], `"id,impact\n${row('TT-1', 'x')}\n`);
  assert.equal(h.status, 2);
  assert.match(h.stderr, /the CSV header: a quoted field opened on line 1 is never closed/);
});

test('triage: a UTF-8 BOM is not part of the first ticket or column, from a file or stdin', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tr-bom-'));
  const bom = '\uFEFF';
  writeFileSync(join(dir, 'bom.jsonl'), `${bom}${JSON.stringify(ticket('TT-1'))}\n${JSON.stringify(ticket('TT-2'))}\n`);
  const j = run(['triage', join(dir, 'bom.jsonl'), '--now', '2026-03-16T15:00:00Z']);
  assert.equal(j.status, 0, j.stdout + j.stderr);
  assert.deepEqual(jsonl(j.stdout).map((t) => [t.id, t.triage.priority]), [['TT-1', 'High'], ['TT-2', 'High']]);
  const csv = `${bom}id,impact,urgency,openedAt\r\n${['TT-1', 'Critical', 'Work Impaired', '2026-03-16T14:00:00Z'].join(',')}\r\n`;
  writeFileSync(join(dir, 'bom.csv'), csv);
  for (const r of [run(['triage', join(dir, 'bom.csv'), '--now', '2026-03-16T15:00:01Z']), run(['triage', '--now', '2026-03-16T15:00:01Z'], csv)]) {
    assert.equal(r.status, 0, r.stderr);
    const [t] = jsonl(r.stdout);
    assert.deepEqual(Object.keys(t), ['id', 'impact', 'urgency', 'openedAt', 'triage']);
    assert.deepEqual(t.triage.escalationsDue, ['TT-1/respond-breach/0'], 'with an id, its escalations');
  }
});

test('JSON that is not an object is a bad ticket; stdin is JSONL when its first line is JSON', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tr-bad-'));
  const lines = [JSON.stringify(ticket('TT-1', { type: 5 })), 'null', '[1,2]', '"str"', JSON.stringify(ticket('TT-2', { type: 6 })), JSON.stringify(ticket('TT-3'))];
  writeFileSync(join(dir, 'mixed.jsonl'), lines.join('\n'));
  const s = run(['stats', join(dir, 'mixed.jsonl'), '--now', '2026-03-17T12:00:00Z']);
  assert.equal(s.status, 1, 'tickets left out of the figures: exit 1, as triage');
  assert.match(s.stdout, /^impact,Critical,3,/m);
  assert.match(s.stdout, /^type,5,1,/m);
  assert.match(s.stderr, /3 tickets skipped: lines 2 \(not a ticket\), 3 \(not a ticket\), 4 \(not a ticket\)\n/);
  // Why each was skipped: no openedAt, or what the clocks refused.
  const why = join(dir, 'why.jsonl');
  writeFileSync(why, [ticket('TT-1', { openedAt: undefined }), ticket('TT-2', { impact: 'Galaxy' }), ticket('TT-3')].map((t) => JSON.stringify(t)).join('\n'));
  const w = run(['stats', why, '--now', '2026-03-17T12:00:00Z']);
  assert.equal(w.status, 1, w.stderr);
  assert.match(w.stderr, /2 tickets skipped: lines 1 \(no openedAt\), 2 \(UNKNOWN_IMPACT impact\)\n/);
  const r = run(['triage', join(dir, 'mixed.jsonl'), '--now', '2026-03-17T12:00:00Z']);
  assert.equal(r.status, 1, r.stderr);
  const rows = jsonl(r.stdout);
  assert.deepEqual(rows.map((t) => t.id ?? t.triage.error.line), ['TT-1', 2, 3, 4, 'TT-2', 'TT-3']);
  for (const t of rows.slice(1, 4)) assert.deepEqual([Object.keys(t), t.triage.error.code], [['triage'], 'INVALID_INPUT']);
  assert.match(rows[2].triage.error.message, /not a ticket: an array/);
  // stdin without `-`: a first line `null` is JSON, so the stream is JSONL, not CSV with a header `null`
  const stdin = run(['triage', '--now', '2026-03-17T12:00:00Z'], lines.slice(1).join('\n'));
  assert.equal(stdin.status, 1, stdin.stderr);
  assert.deepEqual(jsonl(stdin.stdout).map((t) => t.id ?? t.triage.error.line), [1, 2, 3, 'TT-2', 'TT-3']);
  // stdin: CSV whose header is quoted, or starts like `true`/`null`, is still CSV
  for (const head of ['"id","impact","urgency","openedAt"', 'type,impact,urgency,openedAt', 'number,impact,urgency,openedAt']) {
    const row = `${head.startsWith('type') ? 'incident' : 'TT-1'},Critical,Work Impaired,2026-03-16T14:00:00Z`;
    const r = run(['triage', '--now', '2026-03-17T12:00:00Z'], `${head}\n${row}\n`);
    assert.equal(jsonl(r.stdout)[0].triage.priority, 'High', head);
    // Without an id there are no escalations to name: said so (exit 1), the rest answered.
    if (head.startsWith('"id"')) assert.equal(r.status, 0, `${head}: ${r.stderr}`);
    else assert.deepEqual([r.status, jsonl(r.stdout)[0].triage.error.field, jsonl(r.stdout)[0].triage.respondState], [1, 'id', 'breached'], head);
  }
});

test('stats: MTTR and MTBF by type, impact and component, as CSV', () => {
  const r = run(['stats', 'examples/history.jsonl', '--now', '2026-12-31T00:00:00Z']);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines[0], 'dimension,value,tickets,resolved,mttr_hours,customer_hours_excluded,mtbf_hours');
  const type = lines.find((l) => l.startsWith('type,incident,'));
  assert.match(type, /^type,incident,26,22,\d+\.\d\d,\d+\.\d\d,\d+\.\d\d$/);
  assert.ok(lines.some((l) => l.startsWith('impact,Critical,')));
  assert.ok(lines.some((l) => l.startsWith('component,exch-2,')));
});

test('usage errors exit 2 with a message', () => {
  const input = `${JSON.stringify(ticket('TT-1'))}\n`;
  for (const args of [[], ['frobnicate'], ['triage', '/no/such/file.jsonl'], ['triage', '--now', 'yesterday'], ['triage', '--now', '2026-03-20'], ['triage', '--now='], ['stats', 'examples/history.jsonl', '--now', '1800-01-01T00:00:00Z'], ['stats'], ['triage', '--rules', '/no/such/dir']]) {
    const r = run(args, input);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
    assert.equal(r.stdout, '', args.join(' '));
  }
  assert.match(run(['triage', '--now', '2026-03-20'], input).stderr, /--now 2026-03-20: expected an RFC 3339 instant/);
  assert.match(run(['--help']).stdout, /usage:/);
});

test('triage: a line over 512 MB is reported as too long, and the tickets after it are read', () => {
  // A sparse file: the long line is a hole, no disk is written for it.
  const dir = mkdtempSync(join(tmpdir(), 'tr-long-'));
  const file = join(dir, 'long.jsonl');
  const fd = openSync(file, 'w');
  const first = `${JSON.stringify(ticket('TT-1'))}\n`;
  writeSync(fd, first);
  writeSync(fd, `\n${JSON.stringify(ticket('TT-2'))}\n`, first.length + constants.MAX_STRING_LENGTH + 1);
  closeSync(fd);
  try {
    const r = run(['triage', file, '--now', '2026-03-16T15:00:00Z']);
    assert.equal(r.status, 1, r.stderr);
    const rows = jsonl(r.stdout);
    assert.deepEqual(rows.map((t) => t.id ?? t.triage.error.line), ['TT-1', 2, 'TT-2']);
    assert.match(rows[1].triage.error.message, /line too long/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--rules loads another pack for every command', () => {
  const input = `${JSON.stringify({ id: 'G-1', impact: 'Very high', urgency: '5', openedAt: '2026-03-16T14:00:00Z' })}\n`;
  const r = run(['triage', '-', '--rules', 'rules/examples/glpi-5x5', '--now', '2026-03-16T14:00:00Z'], input);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).triage.priority, 'Major');
  // The same pack compiled: `--rules` takes the file `compile` wrote.
  const dir = mkdtempSync(join(tmpdir(), 'tr-compiled-'));
  const packFile = join(dir, 'glpi.json');
  assert.equal(run(['compile', 'rules/examples/glpi-5x5', '--out', packFile]).status, 0);
  const c = run(['triage', '-', '--rules', packFile, '--now', '2026-03-16T14:00:00Z'], input);
  assert.equal(c.status, 0, c.stderr);
  assert.deepEqual(JSON.parse(c.stdout), JSON.parse(r.stdout));
  // A file that is not a compiled pack: the pack error, exit 2.
  writeFileSync(join(dir, 'not.json'), '{}');
  const bad = run(['triage', '-', '--rules', join(dir, 'not.json')], input);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /PACK_INVALID: .*not a compiled pack/);
});

test('compile: the pack as JSON that fromCompiled loads, errors like check', async () => {
  const r = run(['compile', 'rules']);
  assert.equal(r.status, 0, r.stderr);
  const { RuleEngine } = await import('ticket-rules');
  const engine = RuleEngine.fromCompiled(r.stdout);
  assert.equal(engine.packHash, RuleEngine.default().packHash);
  assert.equal(engine.priority({ impact: 'Critical', urgency: 'Work Impaired' }).priority, 'High');
  const dir = mkdtempSync(join(tmpdir(), 'tr-pack-'));
  writeFileSync(join(dir, 'zz.rhai'), 'let x = ;\n');
  const bad = run(['compile', dir]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /zz\.rhai:1:9: RULE_SYNTAX/);
  assert.equal(bad.stdout, '');
});

test('--out: not the input, a path that can be written, its extension in any case; one FILE; `-` is stdin sniffed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tr-out-'));
  const input = join(dir, 'in.jsonl');
  const text = `${JSON.stringify(ticket('TT-1'))}\n`;
  writeFileSync(input, text);
  const now = ['--now', '2026-03-16T15:30:00Z'];
  // The input as --out: refused before it is emptied.
  let r = run(['triage', input, ...now, '--out', input]);
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /is the input/);
  assert.equal(readFileSync(input, 'utf8'), text);
  // A directory that is not there: a message and exit 2, no stack trace.
  for (const cmd of ['triage', 'stats']) {
    r = run([cmd, input, ...now, '--out', join(dir, 'nodir', 'x.csv')]);
    assert.equal(r.status, 2, `${cmd}: ${r.stderr}`);
    assert.match(r.stderr, /--out .*nodir.*ENOENT/);
    assert.doesNotMatch(r.stderr, /node:events/);
  }
  // Only the first `=` splits an option; `.CSV` is CSV.
  r = run(['triage', input, ...now, `--out=${join(dir, 'a=b.CSV')}`]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(readFileSync(join(dir, 'a=b.CSV'), 'utf8'), /^id,/);
  // Two files: the second was left unread.
  r = run(['triage', input, input, ...now]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /one FILE at a time/);
  // `-` is stdin, CSV or JSONL by its first line.
  r = run(['triage', '-', ...now], 'id,impact,urgency,openedAt\nTT-1,Critical,Work Impaired,2026-03-16T14:00:00Z\n');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(jsonl(r.stdout)[0].triage.priority, 'High');
});

test('--out is refused when it is the input through a symbolic or a hard link (it would be emptied)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tr-link-'));
  const file = join(dir, 'export.jsonl');
  const text = readFileSync(join(root, 'examples/tickets.jsonl'), 'utf8');
  writeFileSync(file, text);
  symlinkSync(file, join(dir, 'latest.jsonl'));
  linkSync(file, join(dir, 'hard.jsonl'));
  for (const input of ['latest.jsonl', 'hard.jsonl']) {
    for (const command of ['triage', 'stats']) {
      const r = run([command, join(dir, input), '--now', '2026-03-20T12:00:00Z', '--out', file]);
      assert.equal(r.status, 2, `${command} ${input}: ${r.stderr}`);
      assert.match(r.stderr, /is the input/);
      assert.equal(readFileSync(file, 'utf8'), text, `${command} ${input}: the export is intact`);
    }
  }
});

test('triage: a ticket the clocks or the escalations cannot read is an error, with what could be answered', () => {
  const lines = [
    { id: 'N1', impact: 'Critical', urgency: 'Work Impaired', openedAt: '' },
    { id: 'N2', impact: 'Critical', urgency: 'Work Impaired', openedAt: 0 },
    { impact: 'Critical', urgency: 'Work Impaired', openedAt: '2026-03-16T08:00:00Z' },
  ].map((t) => JSON.stringify(t));
  const r = run(['triage', '-', '--now', '2026-03-20T00:00:00Z'], `${lines.join('\n')}\n`);
  assert.equal(r.status, 1);
  const rows = jsonl(r.stdout);
  assert.deepEqual(rows.map((t) => [t.triage.priority, t.triage.error.code, t.triage.error.field]), [
    ['High', 'MISSING_FIELD', 'openedAt'],
    ['High', 'INVALID_TYPE', 'openedAt'],
    ['High', 'MISSING_FIELD', 'id'],
  ]);
  assert.equal(rows[2].triage.resolveState, 'breached', 'the clocks of a ticket without an id are answered');
  assert.match(r.stderr, /3 of 3 tickets could not be triaged/);
});

test('triage: a CSV record with more or fewer cells than the header is an error at the line it starts on', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tr-cells-'));
  const file = join(dir, 'wide.csv');
  writeFileSync(file, [
    'id,impact,urgency,openedAt,summary',
    'W1,Small,Work Impaired,2026-03-16T14:00:00Z,Printer broken, again, 3rd floor',
    'W2,Small,Work Impaired',
    'W3,Small,Work Impaired,2026-03-16T14:00:00Z,"two',
    'lines, quoted",extra',
    'W4,Small,Work Impaired,2026-03-16T14:00:00Z,"fine,',
    'quoted"',
  ].join('\n'));
  const r = run(['triage', file, '--now', '2026-03-20T00:00:00Z']);
  assert.equal(r.status, 1);
  const rows = jsonl(r.stdout);
  assert.deepEqual(rows.map((t) => [t.id, t.triage.error?.line ?? null]), [['W1', 2], ['W2', 3], ['W3', 4], ['W4', null]]);
  assert.match(rows[0].triage.error.message, /7 cells where the header has 5 columns/);
  assert.match(rows[1].triage.error.message, /3 cells where the header has 5 columns/);
  assert.equal(rows[3].summary, 'fine,\nquoted');
});

test('triage: a long quoted field left open is reported without running out of memory', () => {
  // About 8 MB of rows after a quote that never closes, in a 96 MB heap:
  // a cell built a character at a time took ~40 bytes a character.
  const dir = mkdtempSync(join(tmpdir(), 'tr-open-'));
  const file = join(dir, 'open.csv');
  const rows = ['id,impact,urgency,openedAt,summary', 'Q0,Small,Work Impaired,2026-03-16T14:00:00Z,"27 inch monitor flickers'];
  for (let i = 1; i <= 100_000; i++) rows.push(`Q${i},Small,Work Impaired,2026-03-16T14:00:00Z,${'z'.repeat(40)}`);
  writeFileSync(file, `${rows.join('\n')}\n`);
  const r = spawnSync(process.execPath, ['--max-old-space-size=96', bin, 'triage', file, '--now', '2026-03-20T00:00:00Z', '--out', join(dir, 'out.jsonl')], { encoding: 'utf8', cwd: root });
  assert.equal(r.status, 1, r.stderr.slice(0, 500));
  assert.match(r.stderr, /1 of 100001 tickets could not be triaged/);
  const first = JSON.parse(readFileSync(join(dir, 'out.jsonl'), 'utf8').split('\n', 1)[0]);
  assert.deepEqual([first.id, first.triage.error.line], ['Q0', 2]);
  assert.match(first.triage.error.message, /quoted field opened on line 2 is never closed/);
});

test('check: a fixture that is not an object, or checks nothing, fails (exit 1) and the others still run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tr-fx-'));
  cpSync(join(root, 'rules'), dir, { recursive: true, filter: (p) => !p.includes('examples') });
  const fixtures = { 'a-null.json': 'null', 'b-list.json': '[]', 'c-empty.json': '{"ticket":{},"expect":{}}', 'd-string.json': '{"ticket":{},"expect":{"priority":"Emergency"}}', 'e-typo.json': '{"ticket":{},"expect":{"priorty":{}}}', 'f-tikcet.json': '{"tikcet":{},"expect":{"validation":[]}}', 'g-no-ticket.json': '{"expect":{"validation":[]}}' };
  for (const [name, text] of Object.entries(fixtures)) writeFileSync(join(dir, 'tests', name), text);
  const r = run(['check', dir]);
  assert.equal(r.status, 1, r.stdout + r.stderr);
  for (const name of Object.keys(fixtures)) assert.match(r.stdout, new RegExp(`FAIL ${name.replace('.', '\\.')}`));
  assert.match(r.stdout, /expect\.priority must be an object/);
  assert.match(r.stdout, /"expect" has "priorty"/);
  assert.match(r.stdout, /the fixture has "tikcet": its keys are name, now, ticket, expect/);
  assert.match(r.stdout, /"ticket" must be an object/);
  assert.match(r.stdout, /3 of 10 pack tests passed/);
});

test('stats: the same rows in the same order whatever the machine\'s locale', () => {
  const input = ['öl-1', 'zeta', 'alpha', 'Beta'].map((c, i) => JSON.stringify(ticket(`L-${i}`, { component: c }))).join('\n');
  const dir = mkdtempSync(join(tmpdir(), 'tr-locale-'));
  writeFileSync(join(dir, 'loc.jsonl'), input);
  const outs = ['en_US.UTF-8', 'sv_SE.UTF-8', 'C'].map((l) => spawnSync(process.execPath, [bin, 'stats', join(dir, 'loc.jsonl'), '--now', '2026-03-20T00:00:00Z'], { encoding: 'utf8', cwd: root, env: { ...process.env, LC_ALL: l, LANG: l } }).stdout);
  assert.equal(outs[1], outs[0]);
  assert.equal(outs[2], outs[0]);
  assert.deepEqual(outs[0].split('\n').filter((l) => l.startsWith('component,')).map((l) => l.split(',')[1]), ['alpha', 'Beta', 'öl-1', 'zeta']);
});

test('options a command does not take, a missing value, a directory or a file where the other is needed: usage errors', () => {
  const cases = [
    [['check', 'rules', '--out', 'x.txt'], /check takes no --out/],
    [['check', '--rules', 'examples/tickets.jsonl'], /check needs a pack directory/],
    [['triage', 'rules'], /rules: a directory, not a file of tickets/],
    [['triage', 'examples/tickets.jsonl', '--now', '--out', 'x.jsonl'], /--now needs a value/],
  ];
  for (const [args, message] of cases) {
    const r = run(args);
    assert.equal(r.status, 2, args.join(' '));
    assert.match(r.stderr, message, args.join(' '));
  }
});

test('an output that cannot be written after it opened (a full disk) is exit 2 with the reason, never a silent exit', { skip: !process.platform.startsWith('linux') && 'needs /dev/full' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'tr-full-'));
  const input = join(dir, 'in.jsonl');
  writeFileSync(input, `${JSON.stringify(ticket('TT-1'))}\n`);
  const now = ['--now', '2026-03-16T15:30:00Z'];
  for (const args of [
    ['triage', input, ...now, '--out', '/dev/full'],
    ['triage', input, ...now, '--format', 'csv', '--out', '/dev/full'],
    ['stats', input, ...now, '--out', '/dev/full'],
    ['compile', 'rules', '--out', '/dev/full'],
  ]) {
    const r = run(args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.status} ${r.stderr}`);
    assert.match(r.stderr, /^ticket-rules: --out \/dev\/full: ENOSPC/, args.join(' '));
  }
  // Standard output on a full disk: the same, not a stack trace.
  const fd = openSync('/dev/full', 'w');
  try {
    const r = spawnSync(process.execPath, [bin, 'triage', input, ...now], { encoding: 'utf8', cwd: root, stdio: ['ignore', fd, 'pipe'] });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /^ticket-rules: standard output: ENOSPC/);
    assert.doesNotMatch(r.stderr, /at .*ticket-rules\.mjs/);
  } finally {
    closeSync(fd);
  }
});

test('check and compile take the pack as DIR or --rules, not both (one was ignored)', () => {
  for (const command of ['check', 'compile']) {
    const r = run([command, 'rules', '--rules', 'rules/examples/glpi-5x5']);
    assert.equal(r.status, 2, `${command}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, /as DIR or as --rules, not both/);
    assert.equal(r.stdout, '');
  }
  // Either alone is fine.
  assert.equal(run(['check', '--rules', 'rules/examples/glpi-5x5']).status, 0);
});

test('rules/examples/README.md: the rfc1297-chain recipe, as written, loads and passes its own tests', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tr-chain-'));
  const pack = join(dir, 'my-pack');
  cpSync(join(root, 'rules'), pack, { recursive: true });
  cpSync(join(root, 'rules/examples/rfc1297-chain/forms.rhai'), join(pack, 'forms.rhai'));
  rmSync(join(pack, 'tests'), { recursive: true });
  cpSync(join(root, 'rules/examples/rfc1297-chain/tests'), join(pack, 'tests'), { recursive: true });
  const r = run(['check', pack]);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /1 of 1 pack tests passed/);
});
