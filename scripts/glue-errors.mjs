// Gives the errors wasm-bindgen's glue raises itself a `.code`, as every
// error of the engine has (README: "Every failure is an `Error` named
// `TicketRulesError` with a stable `.code`"). The glue throws a plain
// `Error` before any engine code runs for a method called on a freed
// object ("null pointer passed to rust"), an object used while one of its
// own calls runs (from a `toJSON` it calls back), and an argument that is
// not an instance of the class a method takes (`PackSet.add({})`).
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

const REWRITES = [
  ['throw new Error(getStringFromWasm0(arg0, arg1));', 'throw glueError(getStringFromWasm0(arg0, arg1));'],
  ['throw new Error(`expected instance of ${klass.name}`);', 'throw glueError(`expected an instance of ${klass.name}`);'],
];

for (const file of process.argv.slice(2)) {
  let text = readFileSync(file, 'utf8');
  if (text.includes('function glueError(')) continue;
  for (const [from, to] of REWRITES) {
    if (!text.includes(from)) {
      console.error(`${file}: no \`${from}\` to rewrite (has wasm-bindgen's glue changed?)`);
      process.exit(1);
    }
    text = text.split(from).join(to);
  }
  writeFileSync(file, text + HELPER);
}
