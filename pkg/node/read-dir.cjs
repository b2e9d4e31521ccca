'use strict';
// Reads a rule pack directory for RuleEngine.fromDir, in Node only (the
// engine itself never touches the file system). Shared by the CommonJS
// and ES module entry points.
const fs = require('node:fs');
const path = require('node:path');

/**
 * The `*.rhai` files directly in `dir` (not its subdirectories: `examples/`
 * and `tests/` beside a pack are not part of it), as `{ name: bytes }`.
 * Bytes, not text: the engine reports invalid UTF-8 with its line and column.
 */
function readRulesDir(dir) {
  let names;
  try {
    names = fs.readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    throw ioError(dir, e);
  }
  const sources = {};
  names.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of names) {
    if (!entry.isFile() || !entry.name.endsWith('.rhai')) continue;
    const file = path.join(dir, entry.name);
    try {
      sources[entry.name] = new Uint8Array(fs.readFileSync(file));
    } catch (e) {
      throw ioError(file, e);
    }
  }
  return sources;
}

function ioError(file, cause) {
  // Same code and message shape as the engine's own IO errors.
  const err = new Error(`cannot read ${file}: ${cause.message}`, { cause });
  err.name = 'TicketRulesError';
  err.code = 'IO';
  err.path = file;
  return err;
}

/** Adds the Node-only static `RuleEngine.fromDir(dir)`. */
function addFromDir(RuleEngine) {
  RuleEngine.fromDir = function fromDir(dir) {
    return RuleEngine.fromSources(readRulesDir(dir));
  };
  return RuleEngine;
}

module.exports = { readRulesDir, addFromDir };
