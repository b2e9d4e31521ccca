// Form validation from Node: the default pack's incident form (11 fields,
// one cross-field rule, contact details auto-filled from a lookup list)
// against the same form in ajv (compiled JSON Schema) and zod, and a
// hand-written JS function as the floor; one valid and one invalid
// ticket, the same answers checked first. `make bench` runs it.
import { readFileSync } from 'node:fs';
import Ajv from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { RuleEngine } from 'ticket-rules';
import { compare, table } from './harness.mjs';
import { contacts, invalid, menus, STOPPED, valid, zodSchema as makeZod } from './forms.mjs';

const engine = RuleEngine.default();
const { impacts, urgencies, services } = menus(engine);
const zodSchema = makeZod(engine);

// ajv: the JSON Schema the pack exports, plus what JSON Schema can say of
// the rest (the contact list as an enum, the cross-field rule as if/then).
const js = engine.jsonSchema('incident');
js.properties.contact.properties.name.enum = contacts;
js.allOf.push({
  if: { properties: { urgency: { enum: STOPPED } }, required: ['urgency'] },
  then: { properties: { description: { minLength: 20 } }, required: ['description'] },
});
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const ajvValidate = ajv.compile(js);

// The floor: hand-written checks, no messages, no auto-fill.
function byHand(t) {
  const errors = [];
  if (typeof t.summary !== 'string' || !t.summary.trim() || t.summary.length > 120) errors.push('summary');
  if (!impacts.includes(t.impact)) errors.push('impact');
  if (!urgencies.includes(t.urgency)) errors.push('urgency');
  if (!services.includes(t.service)) errors.push('service');
  if (!t.contact || !contacts.includes(t.contact.name)) errors.push('contact.name');
  if (t.contact?.email && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(t.contact.email)) errors.push('contact.email');
  if (t.contact?.phone && !/^[0-9]{10}$/.test(t.contact.phone)) errors.push('contact.phone');
  if (STOPPED.includes(t.urgency) && (t.description ?? '').trim().length < 20) errors.push('description');
  return errors;
}

// Same answers first.
for (const [t, ok] of [[valid, true], [invalid, false]]) {
  const ours = engine.validate(t);
  if (ours.valid !== ok || ajvValidate(t) !== ok || zodSchema.safeParse(t).success !== ok || (byHand(t).length === 0) !== ok) {
    throw new Error(`disagreement on ${ok ? 'the valid' : 'the invalid'} ticket: ${JSON.stringify(ours.errors)}`);
  }
}

const rows = await compare([['valid ticket', valid], ['invalid ticket (7 errors)', invalid]].flatMap(([label, t]) => [
  [`hand-written JS (floor), ${label}`, () => byHand(t)],
  [`ticket-rules validate, ${label}`, () => engine.validate(t)],
  [`ajv 8 (compiled, allErrors), ${label}`, () => ajvValidate(t)],
  [`zod 3 safeParse, ${label}`, () => zodSchema.safeParse(t)],
]));
const v = (p) => JSON.parse(readFileSync(new URL(`../node_modules/${p}/package.json`, import.meta.url))).version;
console.log('### Form validation, from Node\n');
console.log(table(rows, 'zod 3 safeParse, valid ticket'));
console.log(`\najv ${v('ajv')}, ajv-formats ${v('ajv-formats')}, zod ${v('zod')}, node ${process.version}; command: \`node tests/bench/validation.mjs\``);
