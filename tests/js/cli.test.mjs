// The command line, run as a user runs it: a child process, files and
// pipes, exit codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync, readFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = join(root, 'pkg/bin/ticket-rules.mjs');
const run = (args, input) => spawnSync(process.execPath, [bin, ...args], { input, encoding: 'utf8', cwd: root });

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

test('stats: MTTR and MTBF by type, impact and component, as CSV', () => {
  const r = run(['stats', 'examples/history.jsonl', '--now', '2026-05-10T00:00:00Z']);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines[0], 'dimension,value,tickets,resolved,mttr_hours,customer_hours_excluded,mtbf_hours');
  const type = lines.find((l) => l.startsWith('type,incident,'));
  assert.match(type, /^type,incident,24,20,\d+\.\d\d,\d+\.\d\d,\d+\.\d\d$/);
  assert.ok(lines.some((l) => l.startsWith('impact,Critical,')));
  assert.ok(lines.some((l) => l.startsWith('component,exch-2,')));
});

test('usage errors exit 2 with a message', () => {
  for (const args of [[], ['frobnicate'], ['triage', '/no/such/file.jsonl'], ['triage', '--now', 'yesterday'], ['stats'], ['triage', '--rules', '/no/such/dir']]) {
    const r = run(args, '');
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
  }
  assert.match(run(['--help']).stdout, /usage:/);
});

test('--rules loads another pack for every command', () => {
  const input = `${JSON.stringify({ impact: 'Very high', urgency: '5' })}\n`;
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
