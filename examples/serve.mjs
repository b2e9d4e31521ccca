#!/usr/bin/env node
// Serves the portal (www/) and the package on localhost: `make demo` runs it
// after the batch demo. PORT picks the port (default 8080; a free one if
// that is taken).
import { serve } from '../tests/browser/serve.mjs';

const root = new URL('../', import.meta.url).pathname;
const wanted = Number(process.env.PORT ?? 8080);
let server;
try {
  server = await serve(root, { port: wanted });
} catch {
  server = await serve(root, { port: 0 });
}
console.log(`\nThe portal: ${server.url}/www/   (report an incident, the agent view, the rule playground)`);
console.log('Ctrl-C to stop.');
