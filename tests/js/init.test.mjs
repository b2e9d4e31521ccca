// The browser glue before and around init(): a call before init() has
// finished is a coded error that says to await it, and a failed init() or
// initSync() (a 404, no server, bytes that are not this module) is `IO`
// with the platform's error as its cause; a failed init() can be tried
// again. The glue of pkg/web/ and pkg/slim/ (scripts/glue-errors.mjs), each
// imported afresh per test (a query string makes a new module instance).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const ticket = { type: 'incident', impact: 'Single Building affected', urgency: 'Work Impaired' };
let fresh = 0;
const glue = (dir) => import(new URL(`../../pkg/${dir}/ticket_rules.js?fresh=${fresh++}`, import.meta.url));
const bytes = (dir) => readFileSync(new URL(`../../pkg/${dir}/ticket_rules_bg.wasm`, import.meta.url));
const coded = (code, message) => (e) => {
  assert.equal(e.name, 'TicketRulesError');
  assert.equal(e.code, code);
  assert.match(e.message, message);
  return true;
};

// A server that answers 404 to everything, on a free port.
async function notFound() {
  const server = createServer((_, res) => res.writeHead(404).end('no such file'));
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  return { url: `http://127.0.0.1:${server.address().port}/ticket_rules_bg.wasm`, close: () => server.close() };
}

for (const dir of ['web', 'slim']) {
  test(`pkg/${dir}: a call before init() says to await it, with a code`, async () => {
    const { RuleEngine, errorCodes } = await glue(dir);
    assert.throws(() => RuleEngine.default(), coded('INVALID_INPUT', /await init\(\)/));
    assert.throws(() => errorCodes(), coded('INVALID_INPUT', /not initialised/));
  });

  test(`pkg/${dir}: a failed init() is IO and can be tried again`, async () => {
    const m = await glue(dir);
    const server = await notFound();
    try {
      await assert.rejects(m.default({ module_or_path: server.url }), coded('IO', /404/));
    } finally {
      server.close();
    }
    // Nothing listens there: fetch's own error is the cause.
    await assert.rejects(m.default({ module_or_path: server.url }), (e) => coded('IO', /could not load/)(e) && e.cause instanceof Error);
    // Not a wasm module at all.
    await assert.rejects(m.default({ module_or_path: new Uint8Array([1, 2, 3, 4]) }), coded('IO', /could not load/));
    assert.throws(() => m.RuleEngine.default(), coded('INVALID_INPUT', /await init\(\)/));
    // Then the right bytes: it loads, and answers.
    await m.default({ module_or_path: bytes(dir) });
    assert.equal(m.RuleEngine.default().priority(ticket).priority, 'Standard');
  });

  test(`pkg/${dir}: a failed initSync() is IO; then initSync() with the module works`, async () => {
    const m = await glue(dir);
    assert.throws(() => m.initSync({ module: new Uint8Array([0, 97, 115, 109, 9, 9, 9, 9]) }), coded('IO', /could not load/));
    m.initSync({ module: bytes(dir) });
    assert.equal(m.RuleEngine.default().priority(ticket).priority, 'Standard');
    // A second init is a no-op, as before.
    await m.default({ module_or_path: new Uint8Array([1]) });
    assert.equal(m.RuleEngine.default().priority(ticket).priority, 'Standard');
  });
}
