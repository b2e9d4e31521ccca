// Start-up: read or download the wasm, compile + instantiate it, load the
// default pack, answer the first ticket; in Node each in a fresh process,
// in headless Chromium each in a fresh browser context (median of 9).
//
// Both sides time the same steps: the module's bytes are read (Node, from
// disk) or downloaded (Chromium, from the test server on localhost) first,
// in their own row, and "compile + instantiate" starts from the bytes. A
// second pass runs with V8's lazy compilation off (`--no-wasm-lazy-compilation`):
// every function is compiled at instantiation, so the load only runs code,
// and the difference between the two loads is what compiling the code the
// load runs, on its first call, costs.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// The package's slim module (pkg/slim/, `ticket-rules/slim`: no rhai, every zone).
const SLIM = '../../pkg/slim/';
const EAGER = '--no-wasm-lazy-compilation';

if (process.argv[2] === '--child') {
  const { readFileSync } = await import('node:fs');
  const slim = process.argv[3] === 'slim';
  const dir = slim ? SLIM : '../../pkg/node/';
  const glue = await import(slim ? `${SLIM}ticket_rules.js` : '../../pkg/node/esm/ticket_rules.js');
  const t0 = performance.now();
  const bytes = readFileSync(fileURLToPath(new URL(`${dir}ticket_rules_bg.wasm`, import.meta.url)));
  const t1 = performance.now();
  glue.initSync({ module: bytes });
  const t2 = performance.now();
  const engine = glue.RuleEngine.default();
  const t3 = performance.now();
  engine.priority({ impact: 'Critical', urgency: 'Work Impaired' });
  const t4 = performance.now();
  console.log(JSON.stringify({ bytes: t1 - t0, instantiate: t2 - t1, load: t3 - t2, first: t4 - t3 }));
} else {
  const { existsSync } = await import('node:fs');
  const hasSlim = existsSync(fileURLToPath(new URL(`${SLIM}ticket_rules_bg.wasm`, import.meta.url)));
  const child = (flags, ...args) =>
    JSON.parse(execFileSync(process.execPath, [...flags, fileURLToPath(import.meta.url), '--child', ...args], { encoding: 'utf8' }));
  const nodeRuns = (flags) => {
    const runs = [];
    const slimRuns = [];
    for (let i = 0; i < 9; i++) {
      runs.push(child(flags));
      if (hasSlim) slimRuns.push(child(flags, 'slim'));
    }
    return [runs, slimRuns];
  };
  // Chromium: a fresh browser context per run (no HTTP or code cache).
  const chromiumRuns = async (server, jsFlags) => {
    const { chromium } = await import('playwright-core');
    const { CHROMIUM } = await import('../browser/chromium.mjs');
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
        ...(jsFlags ? [`--js-flags=${jsFlags}`] : []),
      ],
    });
    const pages = [];
    const slimPages = [];
    for (let i = 0; i < 9 * (hasSlim ? 2 : 1); i++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(`${server.url}/tests/bench/blank.html`);
      const dir = hasSlim && i % 2 === 0 ? '/pkg/slim/' : '/pkg/web/';
      (dir === '/pkg/slim/' ? slimPages : pages).push(await page.evaluate(async (dir) => {
        const glue = await import(`${dir}ticket_rules.js?fresh=` + Math.random());
        const t0 = performance.now();
        const bytes = await (await fetch(`${dir}ticket_rules_bg.wasm?fresh=` + Math.random())).arrayBuffer();
        const t1 = performance.now();
        await glue.default({ module_or_path: bytes });
        const t2 = performance.now();
        const engine = glue.RuleEngine.default();
        const t3 = performance.now();
        engine.priority({ impact: 'Critical', urgency: 'Work Impaired' });
        const t4 = performance.now();
        return { bytes: t1 - t0, instantiate: t2 - t1, load: t3 - t2, first: t4 - t3 };
      }, dir));
      await context.close();
    }
    await browser.close();
    return [pages, slimPages];
  };

  const [runs, slimRuns] = nodeRuns([]);
  const [eagerRuns, eagerSlimRuns] = nodeRuns([EAGER]);
  let pages = null;
  let slimPages = null;
  let eagerPages = null;
  let eagerSlimPages = null;
  try {
    const root = fileURLToPath(new URL('../../', import.meta.url));
    const { serve } = await import('../browser/serve.mjs');
    const server = await serve(root);
    [pages, slimPages] = await chromiumRuns(server, '');
    [eagerPages, eagerSlimPages] = await chromiumRuns(server, EAGER);
    await server.close();
  } catch (e) {
    console.error(`(no Chromium figures: ${e.message})`);
  }
  const med = (xs) => xs.sort((a, b) => a - b)[xs.length >> 1].toFixed(2);
  const median = (rs, f) => (rs && rs.length ? med(rs.map(f)) : '—');
  const row = (sets, f) => sets.map((rs) => median(rs, f)).join(' | ');
  const lazy = [runs, pages, slimRuns, slimPages];
  const eager = [eagerRuns, eagerPages, eagerSlimRuns, eagerSlimPages];
  console.log('### Start-up (fresh process or browser context, median of 9)\n');
  console.log('| step | Node, ms | Chromium, ms | slim build, Node | slim build, Chromium |\n|---|---:|---:|---:|---:|');
  console.log(`| the .wasm's bytes (Node: read from disk; Chromium: downloaded from localhost) | ${row(lazy, (r) => r.bytes)} |`);
  console.log(`| compile + instantiate from the bytes (Node \`initSync\`, Chromium \`init\`) | ${row(lazy, (r) => r.instantiate)} |`);
  console.log(`| load the default pack (\`RuleEngine.default()\`) | ${row(lazy, (r) => r.load)} |`);
  console.log(`| **instantiate + load** | ${row(lazy, (r) => r.instantiate + r.load)} |`);
  console.log(`| first \`priority()\` call | ${row(lazy, (r) => r.first)} |`);
  console.log(`| with \`${EAGER}\`: compile + instantiate | ${row(eager, (r) => r.instantiate)} |`);
  console.log(`| with \`${EAGER}\`: load the default pack | ${row(eager, (r) => r.load)} |`);
  console.log('\nNode loads `pkg/node/` (opt-level 3), Chromium `pkg/web/`; the slim build is the package\'s `ticket-rules/slim` (`pkg/slim/`: no rhai, every zone), with its ES module glue in both. The last two rows are V8 told to compile every function at instantiation (a flag for measuring, not for users): the load then only runs code, so the difference from the load above is the compiling of the functions the load runs, each on its first call.');
  console.log('\ncommand: `node tests/bench/startup.mjs`');
}
