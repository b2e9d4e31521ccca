// Start-up: compile + instantiate the wasm, load the default pack, answer
// the first ticket; in Node each in a fresh process, in headless Chromium
// each in a fresh browser context (median of 9).
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// The package's slim module (pkg/slim/, `ticket-rules/slim`: no rhai, every zone).
const SLIM = '../../pkg/slim/';

if (process.argv[2] === '--child') {
  const { readFileSync } = await import('node:fs');
  const slim = process.argv[3] === 'slim';
  const dir = slim ? SLIM : '../../pkg/node/';
  const bytes = readFileSync(fileURLToPath(new URL(`${dir}ticket_rules_bg.wasm`, import.meta.url)));
  const glue = await import(slim ? `${SLIM}ticket_rules.js` : '../../pkg/node/esm/ticket_rules.js');
  const t0 = performance.now();
  glue.initSync({ module: bytes });
  const t1 = performance.now();
  const engine = glue.RuleEngine.default();
  const t2 = performance.now();
  engine.priority({ impact: 'Critical', urgency: 'Work Impaired' });
  const t3 = performance.now();
  console.log(JSON.stringify({ instantiate: t1 - t0, load: t2 - t1, first: t3 - t2 }));
} else {
  const { existsSync } = await import('node:fs');
  const hasSlim = existsSync(fileURLToPath(new URL(`${SLIM}ticket_rules_bg.wasm`, import.meta.url)));
  const child = (...args) => JSON.parse(execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--child', ...args], { encoding: 'utf8' }));
  const runs = [];
  const slimRuns = [];
  for (let i = 0; i < 9; i++) {
    runs.push(child());
    if (hasSlim) slimRuns.push(child('slim'));
  }
  // Chromium: a fresh browser context per run (no HTTP or code cache), the
  // module compiled by streaming from localhost as a page would.
  let pages = null;
  let slimPages = null;
  try {
    const root = fileURLToPath(new URL('../../', import.meta.url));
    const { serve } = await import('../browser/serve.mjs');
    const { launch } = await import('../browser/chromium.mjs');
    const server = await serve(root);
    const browser = await launch();
    pages = [];
    slimPages = [];
    for (let i = 0; i < 9 * (hasSlim ? 2 : 1); i++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(`${server.url}/tests/bench/blank.html`);
      (hasSlim && i % 2 === 0 ? slimPages : pages).push(await page.evaluate(async (dir) => {
        const glue = await import(`${dir}ticket_rules.js?fresh=` + Math.random());
        const t0 = performance.now();
        await glue.default({ module_or_path: `${dir}ticket_rules_bg.wasm?fresh=` + Math.random() });
        const t1 = performance.now();
        const engine = glue.RuleEngine.default();
        const t2 = performance.now();
        engine.priority({ impact: 'Critical', urgency: 'Work Impaired' });
        const t3 = performance.now();
        return { instantiate: t1 - t0, load: t2 - t1, first: t3 - t2 };
      }, hasSlim && i % 2 === 0 ? '/pkg/slim/' : '/pkg/web/'));
      await context.close();
    }
    await browser.close();
    await server.close();
  } catch (e) {
    console.error(`(no Chromium figures: ${e.message})`);
  }
  const median = (rs, k) => (rs && rs.length ? rs.map((r) => r[k]).sort((a, b) => a - b)[4].toFixed(2) : '—');
  const all = (k) => [runs, pages, slimRuns, slimPages].map((rs) => median(rs, k)).join(' | ');
  const sums = [runs, pages, slimRuns, slimPages]
    .map((rs) => (rs && rs.length ? rs.map((r) => r.instantiate + r.load).sort((a, b) => a - b)[4].toFixed(2) : '—'))
    .join(' | ');
  console.log('### Start-up (fresh process or browser context, median of 9)\n');
  console.log('| step | Node, ms | Chromium, ms | slim build, Node | slim build, Chromium |\n|---|---:|---:|---:|---:|');
  console.log(`| compile + instantiate the wasm (Node \`initSync\`, Chromium streaming \`init\`) | ${all('instantiate')} |`);
  console.log(`| load the default pack (\`RuleEngine.default()\`) | ${all('load')} |`);
  console.log(`| instantiate + load | ${sums} |`);
  console.log(`| first \`priority()\` call | ${all('first')} |`);
  console.log('\nNode loads `pkg/node/` (opt-level 3), Chromium `pkg/web/`; the slim build is the package\'s `ticket-rules/slim` (`pkg/slim/`: no rhai, every zone), with its ES module glue in both.');
  console.log('\ncommand: `node tests/bench/startup.mjs`');
}
