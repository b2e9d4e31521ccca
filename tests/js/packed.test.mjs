// The npm package as `npm pack` makes it, installed into an empty project
// and loaded the five ways a user's code can: `require` and `import` in
// Node (both the speed-built module in node/), the browser glue in web/
// (the size-built module) initialised by hand, the slim module
// (`ticket-rules/slim`, no rhai) the same way, and the command line.
// Catches a file the package needs but does not ship (node/esm/ is
// generated and ignored by git), and the two builds disagreeing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkg = fileURLToPath(new URL('../../pkg/', import.meta.url));
// npm with a cache of its own in the test's folder (nothing of the user's
// cache read or written).
const npm = (args, cwd, cache) => execFileSync('npm', [...args, '--cache', cache, '--no-audit', '--no-fund', '--loglevel=error'], { cwd, encoding: 'utf8' });

test('the packed package installs and answers alike through require, import, the browser glue and the CLI', { timeout: 180_000 }, (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ticket-rules-packed-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const cache = join(dir, 'npm-cache');
  npm(['pack', '--pack-destination', dir], pkg, cache);
  const [tarball] = readdirSync(dir).filter((f) => f.endsWith('.tgz'));
  assert.ok(tarball, 'npm pack made no tarball');
  const app = join(dir, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true }));
  npm(['install', '--offline', join(dir, tarball)], app, cache);

  const ticket = { impact: 'Entire University affected', urgency: 'Work Impaired', openedAt: '2026-03-20T10:00:00Z' };
  const ask = `(m) => { const e = m.RuleEngine.default(); return JSON.stringify([e.priority(${JSON.stringify(ticket)}), e.sla(${JSON.stringify(ticket)}, '2026-03-23T12:00:00Z')]); }`;
  const viaRequire = execFileSync(process.execPath, ['-e', `console.log((${ask})(require('ticket-rules')))`], { cwd: app, encoding: 'utf8' });
  const viaImport = execFileSync(process.execPath, ['--input-type=module', '-e', `import * as m from 'ticket-rules'; console.log((${ask})(m))`], { cwd: app, encoding: 'utf8' });
  // The browser build (the file the exports map's `default` condition
  // names; tests/browser/ bundles it through that condition), initialised
  // from its own .wasm file.
  const installed = join(app, 'node_modules', 'ticket-rules');
  const browser = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')).exports['.'].default;
  const viaWeb = execFileSync(process.execPath, ['--input-type=module', '-e', `
    import { readFileSync } from 'node:fs';
    import * as m from ${JSON.stringify(join(installed, browser))};
    m.initSync({ module: readFileSync(new URL('ticket_rules_bg.wasm', import.meta.resolve(${JSON.stringify(join(installed, browser))}))) });
    console.log((${ask})(m));`], { cwd: app, encoding: 'utf8' });
  // The slim module (no rhai, every zone), by its name in the exports map.
  const viaSlim = execFileSync(process.execPath, ['--input-type=module', '-e', `
    import { readFileSync } from 'node:fs';
    import * as m from 'ticket-rules/slim';
    m.initSync({ module: readFileSync(new URL('ticket_rules_bg.wasm', import.meta.resolve('ticket-rules/slim'))) });
    console.log((${ask})(m));`], { cwd: app, encoding: 'utf8' });
  const answer = JSON.parse(viaRequire);
  assert.equal(answer[0].priority, 'High');
  assert.equal(viaImport, viaRequire);
  assert.equal(viaWeb, viaRequire);
  assert.equal(viaSlim, viaRequire);

  const help = execFileSync(join(app, 'node_modules', '.bin', 'ticket-rules'), ['--help'], { cwd: app, encoding: 'utf8' });
  assert.match(help, /triage/);
});
