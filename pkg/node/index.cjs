'use strict';
// CommonJS entry for Node (`require('ticket-rules')`): the wasm-bindgen
// nodejs glue initialises the module synchronously on require.
const wasm = require('./ticket_rules.js');
const { addFromDir, readRulesDir } = require('./read-dir.cjs');

addFromDir(wasm.RuleEngine);

// The typings' `init` and `initSync` (the browser builds' entry points),
// for code shared with them: the module is ready already, so both do
// nothing (`init` resolves at once).
const initSync = () => undefined;
const init = async () => undefined;

module.exports = { ...wasm, readRulesDir, initSync, default: init };
