// Gives the errors wasm-bindgen's glue raises itself a `.code`, as every
// error of the engine has (README: "Every failure is an `Error` named
// `TicketRulesError` with a stable `.code`"). The glue throws a plain
// `Error` before any engine code runs for a method called on a freed
// object ("null pointer passed to rust"), an object used while one of its
// own calls runs (from a `toJSON` it calls back), and an argument that is
// not an instance of the class a method takes (`PackSet.add({})`).
// The browser glue (`--target web`, the files with an `init`) also: a call
// before `init()` has finished threw a TypeError (`wasm` undefined), and a
// failed `init()` / `initSync()` (a 404, a network error, bytes that are
// not this module) a plain Error or the platform's own; now the first is
// `INVALID_INPUT` saying to await `init()`, the others `IO` (the cause
// kept as `.cause`), and a failed `init()` may be tried again.
// Run by `make wasm` on each glue file; it fails if the glue no longer has
// what it rewrites (a new wasm-bindgen), so the change cannot be lost.
import { readFileSync, writeFileSync } from 'node:fs';

const HELPER = `
// Added by scripts/glue-errors.mjs: the glue's own errors with a code.
const GLUE_MESSAGES = {
  'null pointer passed to rust': 'this object was freed (free() was called) and cannot be used again',
  'recursive use of an object detected which would lead to unsafe aliasing in rust':
    'this object is in use by a call that has not returned (called again from inside it, e.g. from a toJSON)',
};
function glueError(message) {
  const err = new Error(GLUE_MESSAGES[message] ?? message);
  err.name = 'TicketRulesError';
  err.code = 'INVALID_INPUT';
  return err;
}
`;

const WEB_HELPER = `
// Until init() has finished, \`wasm\` is this: any use says so, with a code.
var NOT_READY;
function notReady() {
  return (NOT_READY ??= new Proxy({}, {
    get() {
      throw glueError('ticket-rules is not initialised: await init() (the default export) or call initSync() first');
    },
  }));
}
// A failed init: IO, the platform's error as its cause.
function initError(e) {
  if (e instanceof Error && e.name === 'TicketRulesError') return e;
  const err = new Error(\`could not load the ticket-rules module: \${e instanceof Error ? e.message : String(e)}\`, { cause: e });
  err.name = 'TicketRulesError';
  err.code = 'IO';
  return err;
}
function initSync(module) {
  try {
    return initSyncRaw(module);
  } catch (e) {
    throw initError(e);
  }
}
async function __wbg_init_once(module_or_path) {
  try {
    return await __wbg_init_once_raw(module_or_path);
  } catch (e) {
    throw initError(e);
  }
}
`;

const REWRITES = [
  ['throw new Error(getStringFromWasm0(arg0, arg1));', 'throw glueError(getStringFromWasm0(arg0, arg1));'],
  ['throw new Error(`expected instance of ${klass.name}`);', 'throw glueError(`expected an instance of ${klass.name}`);'],
];
const WEB_REWRITES = [
  ['let wasmModule, wasmInstance, wasm;', 'let wasmModule, wasmInstance, wasm = notReady();'],
  ['if (wasm !== undefined) return wasm;', 'if (wasm !== notReady()) return wasm;'],
  ['function initSync(module) {', 'function initSyncRaw(module) {'],
  ['async function __wbg_init_once(module_or_path) {', 'async function __wbg_init_once_raw(module_or_path) {'],
];

for (const file of process.argv.slice(2)) {
  let text = readFileSync(file, 'utf8');
  if (text.includes('function glueError(')) continue;
  const web = text.includes('export { initSync, __wbg_init as default };');
  for (const [from, to] of web ? [...REWRITES, ...WEB_REWRITES] : REWRITES) {
    if (!text.includes(from)) {
      console.error(`${file}: no \`${from}\` to rewrite (has wasm-bindgen's glue changed?)`);
      process.exit(1);
    }
    text = text.split(from).join(to);
  }
  writeFileSync(file, text + HELPER + (web ? WEB_HELPER : ''));
}
