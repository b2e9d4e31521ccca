// ES module entry for Node (`import ... from 'ticket-rules'`): initialises
// the wasm synchronously from the file next to this one, so no `await
// init()` is needed in Node. The same module as index.cjs (opt-level 3,
// built for speed), through wasm-bindgen's ES module glue in esm/.
import { readFileSync } from 'node:fs';
import { initSync, RuleEngine } from './esm/ticket_rules.js';
import readDir from './read-dir.cjs';

initSync({ module: readFileSync(new URL('./ticket_rules_bg.wasm', import.meta.url)) });
readDir.addFromDir(RuleEngine);

export const readRulesDir = readDir.readRulesDir;
export * from './esm/ticket_rules.js';
export { default } from './esm/ticket_rules.js';
