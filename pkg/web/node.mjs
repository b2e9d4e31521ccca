// ES module entry for Node (`import ... from 'ticket-rules'`): initialises
// the wasm synchronously from the file next to this one, so no `await
// init()` is needed in Node.
import { readFileSync } from 'node:fs';
import { initSync, RuleEngine } from './ticket_rules.js';
import readDir from '../node/read-dir.cjs';

initSync({ module: readFileSync(new URL('./ticket_rules_bg.wasm', import.meta.url)) });
readDir.addFromDir(RuleEngine);

export const readRulesDir = readDir.readRulesDir;
export * from './ticket_rules.js';
export { default } from './ticket_rules.js';
