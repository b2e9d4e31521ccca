'use strict';
// CommonJS entry for Node (`require('ticket-rules')`): the wasm-bindgen
// nodejs glue initialises the module synchronously on require.
const wasm = require('./ticket_rules.js');
const { addFromDir, readRulesDir } = require('./read-dir.cjs');

addFromDir(wasm.RuleEngine);

module.exports = { ...wasm, readRulesDir };
