// `make bench`: every benchmark in one run, each in its own process, and
// their tables written into BENCHMARKS.md between its markers
//
//   <!-- bench:NAME -->  ...generated...  <!-- /bench:NAME -->
//
// so the prose around them stays and the figures are always one run's.
// `node tests/bench/all.mjs [NAME...]` runs only the named ones (and
// leaves the other blocks as they were); `--print` prints instead of
// writing. Nothing here asserts a timing.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const node = (script) => [process.execPath, [`tests/bench/${script}`]];
const cargo = (bench) => ['cargo', ['bench', '--quiet', '--bench', bench]];

const BENCHES = {
  'native-priority': cargo('priority'),
  'native-business-time': cargo('business_time'),
  priority: node('priority.mjs'),
  'business-time': node('business-time.mjs'),
  escalation: node('escalation.mjs'),
  validation: node('validation.mjs'),
  floor: node('floor.mjs'),
  'whole-ticket': node('whole-ticket.mjs'),
  queue: node('queue.mjs'),
  startup: node('startup.mjs'),
  sandbox: node('sandbox.mjs'),
};

const args = process.argv.slice(2);
const print = args.includes('--print');
const only = args.filter((a) => !a.startsWith('--'));
for (const name of only) {
  if (!BENCHES[name]) throw new Error(`no benchmark ${name}; there are: ${Object.keys(BENCHES).join(', ')}`);
}

const sh = (cmd, argv) => execFileSync(cmd, argv, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 << 20 });
const version = (cmd, argv) => {
  try {
    return sh(cmd, argv).trim().split('\n')[0];
  } catch {
    return 'unknown';
  }
};

const outputs = {};
for (const [name, [cmd, argv]] of Object.entries(BENCHES)) {
  if (only.length && !only.includes(name)) continue;
  process.stderr.write(`bench: ${name} (${cmd === 'cargo' ? 'cargo ' : 'node '}${argv.join(' ')})\n`);
  outputs[name] = sh(cmd, argv).trim();
}

const dep = (p) => JSON.parse(readFileSync(new URL(`../node_modules/${p}/package.json`, import.meta.url))).version;
outputs.run = [
  `One run of \`make bench\` (\`node tests/bench/all.mjs\`), ${new Date().toISOString().slice(0, 10)}, at commit`,
  `\`${version('git', ['rev-parse', '--short', 'HEAD'])}\`: ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores,`,
  `${Math.round(os.totalmem() / 2 ** 30)} GiB; Node ${process.version}; ${version('rustc', ['--version'])}.`,
  `Contenders: json-rules-engine ${dep('json-rules-engine')}, @gorules/zen-engine ${dep('@gorules/zen-engine')},`,
  `ajv ${dep('ajv')}, zod ${dep('zod')}, moment-business-time ${dep('moment-business-time')},`,
  `dayjs-business-time ${dep('dayjs-business-time')}. ${only.length ? `Blocks refreshed in this run: ${only.join(', ')}.` : 'Every block below is from this run.'}`,
].join('\n');

if (print) {
  for (const [name, text] of Object.entries(outputs)) console.log(`\n<!-- bench:${name} -->\n${text}\n<!-- /bench:${name} -->`);
} else {
  const file = `${root}BENCHMARKS.md`;
  let doc = readFileSync(file, 'utf8');
  for (const [name, text] of Object.entries(outputs)) {
    const open = `<!-- bench:${name} -->`;
    const close = `<!-- /bench:${name} -->`;
    const a = doc.indexOf(open);
    const b = doc.indexOf(close);
    if (a < 0 || b < a) {
      doc += `\n${open}\n${text}\n${close}\n`;
    } else {
      doc = `${doc.slice(0, a + open.length)}\n${text}\n${doc.slice(b)}`;
    }
  }
  writeFileSync(file, doc);
  process.stderr.write(`bench: BENCHMARKS.md written (${Object.keys(outputs).join(', ')})\n`);
}
