// Start-up from Node: compile + instantiate the wasm, load the default
// pack, answer the first ticket; each in a fresh process (median of 9).
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

if (process.argv[2] === '--child') {
  const { readFileSync } = await import('node:fs');
  const bytes = readFileSync(fileURLToPath(new URL('../../pkg/web/ticket_rules_bg.wasm', import.meta.url)));
  const glue = await import('../../pkg/web/ticket_rules.js');
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
  const median = (k) => runs.map((r) => r[k]).sort((a, b) => a - b)[4].toFixed(2);
  console.log('### Start-up, from Node (fresh process, median of 9)\n');
  console.log('| step | ms |\n|---|---:|');
  console.log(`| compile + instantiate the wasm (initSync) | ${median('instantiate')} |`);
  console.log(`| load the default pack (RuleEngine.default()) | ${median('load')} |`);
  console.log(`| first priority() call | ${median('first')} |`);
  console.log('\ncommand: `node tests/bench/startup.mjs`');
}
