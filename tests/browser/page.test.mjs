// The package in a real browser (Debian's Chromium via Playwright): the
// www/ page as plain ES modules with `await init()`, and a bundle made by
// esbuild from `import ... from 'ticket-rules'`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { serve } from './serve.mjs';
import { launch, strictPage } from './chromium.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const shots = `${root}target/screenshots`;
let server;
let browser;

before(async () => {
  mkdirSync(shots, { recursive: true });
  server = await serve(root);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test('www/index.html: plain ES modules, menus from the pack, priority as the user picks', async () => {
  const page = await strictPage(browser);
  await page.goto(`${server.url}/www/index.html`);
  await page.waitForSelector('body[data-ready="true"]');
  assert.equal(await page.textContent('#pack'), 'its-incident-management 2026.11.1');
  // 8 descriptions in 4 level groups, 4 urgencies (+ the empty choices).
  assert.equal(await page.locator('#impact option').count(), 9);
  assert.equal(await page.locator('#impact optgroup').count(), 4);
  assert.equal(await page.locator('#urgency option').count(), 5);

  await page.selectOption('#impact', 'Entire University affected');
  await page.selectOption('#urgency', 'Work Stopped - No workaround');
  assert.equal(await page.textContent('#priority'), 'Priority: Emergency');
  assert.match(await page.textContent('#targets'), /Respond by15 min \(around the clock\)Resolve by4 hProcessOutage Management/);
  assert.equal(await page.locator('td.here').count(), 1);
  await page.screenshot({ path: `${shots}/priority-emergency.png`, fullPage: true });

  await page.selectOption('#impact', 'Single Building affected');
  await page.selectOption('#urgency', 'Work Impaired');
  await page.selectOption('#customerSeverity', 'Work Stopped - No workaround');
  assert.equal(await page.textContent('#priority'), 'Priority: Standard');
  assert.match(await page.textContent('#targets'), /You saidWork Stopped - No workaround \(High\)/);
  assert.match(await page.textContent('td.here'), /Standard/);
  await page.screenshot({ path: `${shots}/priority-customer-view.png`, fullPage: true });
  assert.deepEqual(page.problems, []);
});

test('the whole matrix and the error codes, in the page', async () => {
  const page = await strictPage(browser);
  await page.goto(`${server.url}/www/index.html`);
  await page.waitForSelector('body[data-ready="true"]');
  const out = await page.evaluate(async () => {
    const { RuleEngine } = await import('/pkg/web/ticket_rules.js');
    const cases = await (await fetch('/tests/data/matrix-cases.json')).json();
    const e = RuleEngine.default();
    const wrong = cases.cells.filter((c) => {
      const r = e.priority({ impact: c.impact, urgency: c.urgency });
      return r.priority !== c.priority || r.clock !== c.clock || r.respondSeconds !== c.respondSeconds
        || r.resolveSeconds !== c.resolveSeconds || r.process !== c.process;
    });
    let error;
    try { e.priority({ impact: 'Moon', urgency: 'Work Impaired' }); } catch (err) {
      error = { isError: err instanceof Error, code: err.code, field: err.field };
    }
    let ruleError;
    try { RuleEngine.fromSources({ 'p.rhai': 'loop {}' }); } catch (err) {
      ruleError = { code: err.code, limit: err.limit, file: err.file };
    }
    return { checked: cases.cells.length, wrong: wrong.length, error, ruleError, stillWorks: e.priority({ impact: 'Minor', urgency: 'Work Impaired' }).priority };
  });
  assert.deepEqual(out, {
    checked: 16, wrong: 0,
    error: { isError: true, code: 'UNKNOWN_IMPACT', field: 'impact' },
    ruleError: { code: 'RULE_LIMIT', limit: 'operations', file: 'p.rhai' },
    stillWorks: 'Standard',
  });
  assert.deepEqual(page.problems, []);
});

test('a bundler (esbuild) resolves the package for the browser', async () => {
  const dir = `${root}target/bundle`;
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}/entry.js`, `
    import init, { RuleEngine } from 'ticket-rules';
    await init({ module_or_path: '/pkg/web/ticket_rules_bg.wasm' });
    const r = RuleEngine.default().priority({ impact: 'Multiple Buildings affected', urgency: 'Work Stopped - Workaround available' });
    document.body.dataset.result = r.priority + ' / ' + r.process;
  `);
  writeFileSync(`${dir}/index.html`, '<!doctype html><link rel="icon" href="data:,"><script type="module" src="app.js"></script>');
  await build({
    entryPoints: [`${dir}/entry.js`],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    outfile: `${dir}/app.js`,
    nodePaths: [`${root}tests/node_modules`],
    logLevel: 'error',
  });
  const page = await strictPage(browser);
  await page.goto(`${server.url}/target/bundle/index.html`);
  await page.waitForSelector('body[data-result]', { state: 'attached' });
  assert.equal(await page.getAttribute('body', 'data-result'), 'High / Problem Management');
  assert.deepEqual(page.problems, []);
});
