// Start-up: compile + instantiate the wasm, load the default pack, answer
// the first ticket; in Node each in a fresh process, in headless Chromium
// each in a fresh browser context (median of 9).
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

if (process.argv[2] === '--child') {
  const { readFileSync } = await import('node:fs');
  const bytes = readFileSync(fileURLToPath(new URL('../../pkg/node/ticket_rules_bg.wasm', import.meta.url)));
  const glue = await import('../../pkg/node/esm/ticket_rules.js');
  const t0 = performance.now();
  glue.initSync({ module: bytes });
  const t1 = performance.now();
  const engine = glue.RuleEngine.default();
  const t2 = performance.now();
  engine.priority({ impact: 'Critical', urgency: 'Work Impaired' });
  const t3 = performance.now();
  console.log(JSON.stringify({ instantiate: t1 - t0, load: t2 - t1, first: t3 - t2 }));
} else {
  const runs = [];
  for (let i = 0; i < 9; i++) {
    runs.push(JSON.parse(execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--child'], { encoding: 'utf8' })));
  }
  // Chromium: a fresh browser context per run (no HTTP or code cache), the
  // module compiled by streaming from localhost as a page would.
  let pages = null;
  try {
    const root = fileURLToPath(new URL('../../', import.meta.url));
    const { serve } = await import('../browser/serve.mjs');
    const { launch } = await import('../browser/chromium.mjs');
    const server = await serve(root);
    const browser = await launch();
    pages = [];
    for (let i = 0; i < 9; i++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(`${server.url}/www/index.html`);
      pages.push(await page.evaluate(async () => {
        const glue = await import('/pkg/web/ticket_rules.js?fresh=' + Math.random());
        const t0 = performance.now();
        await glue.default({ module_or_path: '/pkg/web/ticket_rules_bg.wasm?fresh=' + Math.random() });
        const t1 = performance.now();
        const engine = glue.RuleEngine.default();
        const t2 = performance.now();
        engine.priority({ impact: 'Critical', urgency: 'Work Impaired' });
        const t3 = performance.now();
        return { instantiate: t1 - t0, load: t2 - t1, first: t3 - t2 };
      }));
      await context.close();
    }
    await browser.close();
    await server.close();
  } catch (e) {
    console.error(`(no Chromium figures: ${e.message})`);
  }
  const median = (rs, k) => rs.map((r) => r[k]).sort((a, b) => a - b)[4].toFixed(2);
  const both = (k) => `${median(runs, k)} | ${pages ? median(pages, k) : '—'}`;
  const sum = (rs) => rs.map((r) => r.instantiate + r.load).sort((a, b) => a - b)[4].toFixed(2);
  console.log('### Start-up (fresh process or browser context, median of 9)\n');
  console.log('| step | Node, ms | Chromium, ms |\n|---|---:|---:|');
  console.log(`| compile + instantiate the wasm (Node \`initSync\`, Chromium streaming \`init\`) | ${both('instantiate')} |`);
  console.log(`| load the default pack (\`RuleEngine.default()\`) | ${both('load')} |`);
  console.log(`| instantiate + load | ${sum(runs)} | ${pages ? sum(pages) : '—'} |`);
  console.log(`| first \`priority()\` call | ${both('first')} |`);
  console.log('\ncommand: `node tests/bench/startup.mjs`');
}
