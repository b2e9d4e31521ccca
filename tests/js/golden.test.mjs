// The golden file from Node: every case's answers, byte for byte what the
// native tests (tests/golden.rs) and the Chromium test produce.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { RuleEngine } from 'ticket-rules';
import { goldenLines } from '../data/golden/run.mjs';

const dir = new URL('../data/golden/', import.meta.url);
const { cases } = JSON.parse(readFileSync(new URL('cases.json', dir), 'utf8'));
const expected = readFileSync(new URL('expected.jsonl', dir), 'utf8').split('\n').filter(Boolean);

test('Node gives the golden answers, byte for byte', () => {
  const got = goldenLines(RuleEngine.default(), cases);
  assert.equal(got.length, expected.length);
  for (let i = 0; i < got.length; i++) assert.equal(got[i], expected[i], `case ${i}: ${cases[i].name}`);
});
