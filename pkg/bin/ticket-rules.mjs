#!/usr/bin/env node
// ticket-rules: the command line.
//
//   ticket-rules triage [FILE|-] [--now T] [--rules DIR|PACK.json] [--format jsonl|csv] [--out FILE]
//   ticket-rules stats FILE [--rules DIR|PACK.json] [--now T] [--out FILE]
//   ticket-rules check [DIR]
//   ticket-rules compile [DIR] [--out FILE]
//
// Exit codes: 0 done; 1 a pack test failed, or a ticket could not be
// read (triage goes on and reports it); 2 the command itself is wrong (usage,
// unreadable file, a pack that does not load).
import { createReadStream, createWriteStream, readFileSync, readdirSync, existsSync, statSync } from 'node:fs';
import { constants } from 'node:buffer';
import { join, extname, resolve } from 'node:path';
import { RuleEngine, Calendar } from '../node/index.mjs';
import { CsvReader, toCsvRow, flatten, unflatten } from './csv.mjs';

const USAGE = `usage:
  ticket-rules triage [FILE|-] [--now T] [--rules DIR|PACK.json] [--format jsonl|csv] [--out FILE]
      priority, SLA clocks and due escalations for each ticket (JSONL or CSV in; JSONL out,
      CSV with --format csv or an --out ending in .csv)
  ticket-rules stats FILE [--rules DIR|PACK.json] [--now T] [--out FILE]
      MTTR and MTBF by ticket type, impact level and component, excluding customer time (CSV)
  ticket-rules check [DIR | --rules DIR]
      load a pack, report every error with file:line:column, run its tests (DIR/tests/*.json)
  ticket-rules compile [DIR | --rules DIR] [--out FILE]
      the pack compiled (JSON), for RuleEngine.fromCompiled: it loads without running rhai
--now T is an RFC 3339 instant; without it, the machine's clock at the start.
DIR defaults to ./rules; without --rules, triage and stats use the embedded default pack.`;

class UsageError extends Error {}
/** The output could not be written (a full disk, a file gone): exit 2 with the reason. */
class OutputError extends Error {}

// The options each command takes (another is a usage error, not ignored).
const OPTIONS = {
  triage: ['now', 'rules', 'format', 'out'],
  stats: ['now', 'rules', 'out'],
  check: ['rules'],
  compile: ['rules', 'out'],
};

function parseArgs(argv) {
  const [command, ...rest] = argv;
  const opts = { positional: [] };
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (a === '--help' || a === '-h') opts.help = true;
    else if (a.startsWith('--')) {
      // `--out=a=b.jsonl` is the path `a=b.jsonl`: only the first `=` splits.
      const eq = a.indexOf('=');
      const k = eq < 0 ? a.slice(2) : a.slice(2, eq);
      const inline = eq < 0 ? undefined : a.slice(eq + 1);
      if (!['now', 'rules', 'format', 'out'].includes(k)) throw new UsageError(`unknown option --${k}`);
      if (!(OPTIONS[command] ?? OPTIONS.triage).includes(k)) throw new UsageError(`${command} takes no --${k}`);
      // `--now --out x`: --now has no value (`--out` is the next option).
      const v = inline ?? (rest[i + 1]?.startsWith('--') ? undefined : rest[++i]);
      if (v === undefined) throw new UsageError(`--${k} needs a value`);
      opts[k] = v;
    } else opts.positional.push(a);
  }
  // Each command reads one FILE or DIR: a second one was left unread.
  if (opts.positional.length > 1) throw new UsageError(`one ${command === 'check' || command === 'compile' ? 'DIR' : 'FILE'} at a time, not ${opts.positional.length}`);
  // For check and compile DIR is the pack: with --rules too, one was ignored.
  if ((command === 'check' || command === 'compile') && opts.rules !== undefined && opts.positional.length) {
    throw new UsageError(`${command} takes the pack as DIR or as --rules, not both (${opts.positional[0]}, --rules ${opts.rules})`);
  }
  return { command, opts };
}

/**
 * `--out`: a file that can be written, and not the input being read (it
 * would be emptied before it was read). A path that cannot be written is a
 * usage error (exit 2), not a stack trace.
 */
async function openOut(path, input) {
  if (input && input !== '-' && (resolve(path) === resolve(input) || sameFile(path, input))) {
    throw new UsageError(`--out ${path} is the input: it would be emptied before it is read`);
  }
  const out = createWriteStream(path);
  await new Promise((ok, fail) => {
    out.once('open', ok);
    out.once('error', (e) => fail(new UsageError(`--out ${path}: ${e.message}`)));
  });
  return sink(out, `--out ${path}`);
}

/**
 * Writes to `stream` that fail as the command's error: a write error after
 * the file opened (`ENOSPC`) rejects the write or end waiting for it, with
 * `what` and the reason, instead of leaving it waiting forever (Node then
 * exits 13, silently, the output lost).
 */
function sink(stream, what) {
  let failure = null;
  const waiting = new Set();
  const failed = (e) => {
    // The error that destroyed the stream, not "write after destroyed".
    failure ??= new OutputError(`${what}: ${(stream.errored ?? e).message}`);
    for (const fail of waiting) fail(failure);
    waiting.clear();
  };
  stream.on('error', failed);
  const wait = (start) =>
    new Promise((ok, fail) => {
      if (failure) return fail(failure);
      waiting.add(fail);
      // `end`'s callback is given the error, if there is one.
      start((e) => {
        if (e) return failed(e);
        waiting.delete(fail);
        ok();
      });
    });
  return {
    /** `null` when the text is taken, a promise to wait for when the stream is full. */
    write(text) {
      if (failure) throw failure;
      return stream.write(text) ? null : wait((done) => stream.once('drain', done));
    },
    /** Writes the last text and resolves once it is all written. */
    end(text = '') {
      return wait((done) => stream.end(text, done));
    },
  };
}

/** Whether two paths name one file (through a symbolic or a hard link too). */
function sameFile(a, b) {
  try {
    const [x, y] = [statSync(a), statSync(b)];
    return x.dev === y.dev && x.ino === y.ino;
  } catch {
    return false; // one does not exist (yet)
  }
}

/** The default pack, a pack directory, or a compiled pack (`ticket-rules compile`'s JSON). */
function loadEngine(path) {
  if (!path) return RuleEngine.default();
  if (!existsSync(path)) throw new UsageError(`--rules ${path}: no such directory or file`);
  if (statSync(path).isFile()) return RuleEngine.fromCompiled(readFileSync(path, 'utf8'));
  return RuleEngine.fromDir(path);
}

/** `--now` as the engine reads instants (so `2026-03-20`, a date, is refused before any ticket is read). */
function nowOf(opts) {
  if (opts.now === undefined) return new Date();
  try {
    return Calendar.always().add(opts.now, 0);
  } catch (e) {
    const why = e.code === 'INVALID_INSTANT' ? e.message.split('": ').pop() : 'expected an RFC 3339 instant like 2026-03-16T14:00:00Z';
    throw new UsageError(`--now ${opts.now}: ${why}`);
  }
}

/**
 * The lines of a byte stream as UTF-8 text, in batches, without their ends
 * (`\n`, `\r\n` or a lone `\r`, as readline) and without one leading BOM. A
 * line over `max` bytes, longer than the longest string V8 makes (512 MB),
 * is not held: it comes as null, for the caller to report (readline throws
 * a RangeError from its stream handler, and the input after it is lost).
 */
async function* readLines(input, max = constants.MAX_STRING_LENGTH) {
  let parts = [];
  let size = 0;
  let tooLong = false;
  let first = true;
  let afterCr = false; // the last chunk ended on \r: a \n first in this one ends no line
  const add = (chunk, from, to) => {
    if (to <= from || tooLong) return;
    size += to - from;
    if (size > max) {
      tooLong = true;
      parts = [];
    } else parts.push(chunk.subarray(from, to));
  };
  const take = () => {
    let text = tooLong ? null : Buffer.concat(parts, size).toString('utf8');
    if (first && text?.charCodeAt(0) === 0xfeff) text = text.slice(1);
    first = false;
    parts = [];
    size = 0;
    tooLong = false;
    return text;
  };
  for await (const chunk of input) {
    const lines = [];
    let at = afterCr && chunk[0] === 0x0a ? 1 : 0;
    afterCr = false;
    // The next \n and \r, each searched for again only once passed: linear in the chunk.
    let lf = -2;
    let cr = -2;
    while (at < chunk.length) {
      if (lf !== -1 && lf < at) lf = chunk.indexOf(0x0a, at);
      if (cr !== -1 && cr < at) cr = chunk.indexOf(0x0d, at);
      const end = lf === -1 ? cr : cr === -1 ? lf : Math.min(lf, cr);
      if (end === -1) {
        add(chunk, at, chunk.length);
        break;
      }
      add(chunk, at, end);
      lines.push(take());
      at = end + 1;
      if (chunk[end] === 0x0d) {
        if (at === chunk.length) afterCr = true;
        else if (chunk[at] === 0x0a) at += 1;
      }
    }
    if (lines.length) yield lines;
  }
  if (size || tooLong) yield [take()];
}

/**
 * Standard input has no file name to tell its format: JSONL when its first
 * non-blank line is a JSON value (`null`, `[1,2]` and `"x"` are then bad
 * tickets, not a CSV header) or starts like an object or an array (a ticket
 * cut short); CSV otherwise, which takes in a header of quoted names
 * (`"id","impact"` is not one JSON value) and one like `type,impact` or
 * `number,opened_at` (a first letter n, t or f says nothing).
 */
function looksLikeJson(line) {
  const text = line.trim();
  if (text.startsWith('{') || text.startsWith('[')) return true;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * Tickets from a JSONL or CSV stream, one at a time, with their line numbers.
 * What is not a ticket comes as `{ line, error }` (from CSV, with the fields
 * read before the error as `ticket`): the caller reports it and goes on.
 */
async function* readTickets(file, meter = {}) {
  if (file && file !== '-' && !existsSync(file)) throw new UsageError(`${file}: no such file`);
  if (file && file !== '-' && statSync(file).isDirectory()) throw new UsageError(`${file}: a directory, not a file of tickets`);
  const input = !file || file === '-' ? process.stdin : createReadStream(file);
  if (input !== process.stdin) {
    meter.total = statSync(file).size;
    meter.read = () => input.bytesRead;
  }
  // From a file, its extension says; from stdin (none, or `-`), the first line.
  let csv = file && file !== '-' ? extname(file).toLowerCase() === '.csv' : null;
  let header = null;
  const reader = new CsvReader();
  function* csvLine(n, line) {
    const cells = reader.push(line, n);
    if (!cells) return; // a quoted field runs on to the next line
    if (cells.length === 1 && cells[0] === '') return;
    if (!header) {
      header = cells;
      return;
    }
    // Reported at the line the record starts on (a quoted field may span lines).
    const at = reader.startedOn;
    const ticket = unflatten(header, cells);
    // A comma left unquoted in a value: its cells shift, and the last are lost.
    if (cells.length !== header.length) {
      yield { line: at, ticket, error: `${cells.length} cells where the header has ${header.length} columns (a value with a comma in it must be quoted)` };
    } else yield { line: at, ticket };
  }
  let n = 0;
  for await (const lines of readLines(input)) {
    for (const line of lines) {
      n += 1;
      if (line === null) {
        reader.reset();
        yield { line: n, error: `line too long: over ${constants.MAX_STRING_LENGTH} bytes, the longest that can be read` };
        continue;
      }
      if (csv === null) {
        if (!line.trim()) continue;
        // A CSV header names columns: a first line with no comma that is
        // not JSON either is a bad JSONL line, not a one-column header.
        csv = !looksLikeJson(line) && line.includes(',');
      }
      if (csv) {
        yield* csvLine(n, line);
        continue;
      }
      if (!line.trim()) continue;
      let ticket;
      try {
        ticket = JSON.parse(line);
      } catch (e) {
        yield { line: n, error: `not JSON: ${e.message}` };
        continue;
      }
      if (ticket !== null && typeof ticket === 'object' && !Array.isArray(ticket)) yield { line: n, ticket };
      else yield { line: n, error: `not a ticket: ${ticket === null ? 'null' : Array.isArray(ticket) ? 'an array' : `a ${typeof ticket}`}, where a ticket is a JSON object` };
    }
  }
  // A quoted field still open at the end (its closing quote missing): that
  // record is reported, at the line it starts on, and the lines the open
  // field took in are read again as records of their own.
  for (let open = reader.close(); open; open = reader.close()) {
    const what = `a quoted field opened on line ${open.openedOn} is never closed`;
    if (!header) throw new UsageError(`${file ?? 'standard input'}: the CSV header: ${what}`);
    yield { line: open.line, ticket: unflatten(header, open.cells), error: what };
    for (const [m, line] of open.rest) yield* csvLine(m, line);
  }
}

/** One status line on a terminal: tickets, rate and, reading a file, how far through it we are. */
function progress(count, started, meter) {
  if (!process.stderr.isTTY) return;
  const secs = (Date.now() - started) / 1000;
  const rate = secs > 0 ? Math.round(count / secs) : 0;
  let line = `${count.toLocaleString('en')} tickets, ${rate.toLocaleString('en')}/s`;
  if (meter.total) {
    const done = Math.min(1, meter.read() / meter.total);
    const width = 20;
    const filled = Math.round(done * width);
    const left = done > 0 ? Math.round((secs * (1 - done)) / done) : null;
    line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${Math.floor(done * 100)}% ${line}`;
    if (left !== null && done < 1) line += `, ~${left}s left`;
  }
  process.stderr.write(`\r${line}\x1b[K`);
}

async function triage(engine, opts) {
  const now = nowOf(opts);
  const format = opts.format ?? (opts.out && extname(opts.out).toLowerCase() === '.csv' ? 'csv' : 'jsonl');
  if (!['jsonl', 'csv'].includes(format)) throw new UsageError(`--format ${format}: jsonl or csv`);
  const out = opts.out ? await openOut(opts.out, opts.positional[0]) : sink(process.stdout, 'standard output');
  const write = (s) => out.write(s);
  let count = 0;
  let failed = 0;
  // CSV: the header is every row's columns (a later row may have a field, or
  // an error, that the first has not), so the rows are held until the input
  // ends, each as the JSON text of its cells by column number (a third of
  // the memory the arrays take); JSONL streams.
  const columns = new Map();
  const held = [];
  const started = Date.now();
  const meter = {};
  for await (const { line, ticket, error } of readTickets(opts.positional[0], meter)) {
    count += 1;
    const triaged = error ? { error: { code: 'INVALID_INPUT', message: error, line } } : triageOne(engine, ticket, now, line);
    if (triaged.error) failed += 1;
    const row = { ...(ticket ?? {}), triage: triaged };
    if (format === 'jsonl') {
      await write(`${JSON.stringify(row)}\n`);
    } else {
      const cells = [];
      for (const [name, value] of Object.entries(flatten(row))) {
        if (!columns.has(name)) columns.set(name, columns.size);
        cells[columns.get(name)] = value !== null && typeof value === 'object' ? JSON.stringify(value) : value;
      }
      held.push(JSON.stringify(cells));
    }
    if (count % 1000 === 0) progress(count, started, meter);
  }
  if (held.length) {
    // The ticket's own columns, then the triage's, then its error's; each in the order first seen.
    const part = (name) => (name.startsWith('triage.error.') ? 2 : name.startsWith('triage.') ? 1 : 0);
    const names = [...columns.keys()].sort((a, b) => part(a) - part(b) || columns.get(a) - columns.get(b));
    const order = names.map((name) => columns.get(name));
    await write(`${toCsvRow(names)}\n`);
    for (let i = 0; i < held.length; i++) {
      const cells = JSON.parse(held[i]);
      await write(`${toCsvRow(order.map((c) => cells[c]))}\n`);
      held[i] = null;
    }
  }
  progress(count, started, meter);
  if (process.stderr.isTTY) process.stderr.write('\n');
  if (opts.out) await out.end();
  if (failed) process.stderr.write(`${failed} of ${count} tickets could not be triaged (see their "triage.error")\n`);
  return failed ? 1 : 0;
}

/**
 * The priority, the SLA clocks and the due escalations of one ticket. Each
 * needs what the engine says it needs (an `openedAt` for the clocks, an `id`
 * for the escalations): what is missing or wrong is the ticket's
 * `triage.error`, as the library says it, beside what could be answered.
 */
function triageOne(engine, ticket, now, line) {
  const out = {};
  try {
    const p = engine.priority(ticket);
    Object.assign(out, { priority: p.priority, impactLevel: p.impactLevel, clock: p.clock, process: p.process, packVersion: p.packVersion });
    const s = engine.sla(ticket, now);
    out.respondDue = s.respond.due;
    out.respondState = s.respond.state;
    out.resolveDue = s.resolve.due;
    out.resolveState = s.resolve.state;
    out.resolvePercentUsed = s.resolve.percentUsed;
    const e = engine.escalations(ticket, now);
    out.escalationsDue = e.due.map((d) => d.id);
    out.nextWakeUp = e.nextWakeUp;
  } catch (e) {
    out.error = { code: e.code ?? 'INVALID_INPUT', message: e.message, field: e.field, line };
  }
  return out;
}

async function stats(engine, opts) {
  const file = opts.positional[0];
  if (!file) throw new UsageError('stats needs a FILE');
  const now = nowOf(opts);
  // Running sums per (dimension, value): constant memory in the tickets,
  // linear in the distinct groups; MTBF needs each group's openings sorted,
  // which is one instant per ticket.
  const groups = new Map();
  const group = (dim, value) => {
    const key = `${dim}\u0000${value}`;
    if (!groups.has(key)) groups.set(key, { dim, value, tickets: 0, resolved: 0, repair: 0, customer: 0, outages: [] });
    return groups.get(key);
  };
  let bad = 0;
  const badLines = [];
  // The first ten skipped, each with why (the code of the engine's error).
  const skip = (line, why) => {
    bad += 1;
    if (badLines.length < 10) badLines.push(`${line} (${why})`);
  };
  // A group's name as text (a number or an object would not sort as text).
  const name = (v) => (v == null ? '' : typeof v === 'string' ? v : JSON.stringify(v));
  for await (const { line, ticket, error } of readTickets(file)) {
    if (error || !ticket.openedAt) {
      skip(line, error ? 'not a ticket' : 'no openedAt');
      continue;
    }
    let s;
    let level;
    try {
      s = engine.sla(ticket, now);
      level = s.priority.impactLevel;
    } catch (e) {
      skip(line, e.field ? `${e.code} ${e.field}` : (e.code ?? e.message));
      continue;
    }
    const opened = Date.parse(ticket.openedAt);
    const resolved = s.resolve.stoppedAt ? Date.parse(s.resolve.stoppedAt) : null;
    for (const [dim, value] of [['type', name(ticket.type)], ['impact', level], ['component', name(ticket.component)]]) {
      const g = group(dim, value);
      g.tickets += 1;
      g.outages.push([opened, resolved]);
      if (resolved !== null) {
        g.resolved += 1;
        g.repair += s.serviceSeconds;
        g.customer += s.customerSeconds;
      }
    }
  }
  const hours = (secs) => (secs / 3600).toFixed(2);
  const rows = [['dimension', 'value', 'tickets', 'resolved', 'mttr_hours', 'customer_hours_excluded', 'mtbf_hours']];
  // The same order whatever the machine's locale: English collation, then code units.
  const collator = new Intl.Collator('en');
  const order = (a, b) => collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
  for (const g of [...groups.values()].sort((a, b) => order(a.dim, b.dim) || order(a.value, b.value))) {
    // MTBF: the mean working time between failures. Overlapping tickets are
    // one failure (their downtime is merged); an unresolved one runs to now.
    const end = Date.parse(typeof now === 'string' ? now : now.toISOString());
    g.outages.sort((a, b) => a[0] - b[0]);
    const merged = [];
    for (const [from, to] of g.outages) {
      const until = to ?? end;
      const last = merged[merged.length - 1];
      if (last && from <= last[1]) last[1] = Math.max(last[1], until);
      else merged.push([from, until]);
    }
    const gaps = [];
    for (let i = 1; i < merged.length; i++) gaps.push((merged[i][0] - merged[i - 1][1]) / 1000);
    const mtbf = gaps.length ? hours(gaps.reduce((a, b) => a + b, 0) / gaps.length) : '';
    const mttr = g.resolved ? hours(g.repair / g.resolved) : '';
    rows.push([g.dim, g.value, g.tickets, g.resolved, mttr, hours(g.customer), mtbf]);
  }
  const text = rows.map(toCsvRow).join('\n') + '\n';
  if (opts.out) {
    const out = await openOut(opts.out, opts.positional[0]);
    await out.end(text);
  } else process.stdout.write(text);
  if (bad) process.stderr.write(`${bad} tickets skipped: line${badLines.length > 1 ? 's' : ''} ${badLines.join(', ')}${bad > badLines.length ? ', …' : ''}\n`);
  // As triage: the figures are written, and the exit code says some
  // tickets are not in them.
  return bad ? 1 : 0;
}

function check(opts) {
  const dir = opts.rules ?? opts.positional[0] ?? 'rules';
  if (!existsSync(dir)) throw new UsageError(`${dir}: no such directory`);
  if (!statSync(dir).isDirectory()) throw new UsageError(`${dir}: check needs a pack directory (its .rhai files and tests/), not a file`);
  let sources;
  try {
    sources = readPack(dir);
  } catch (e) {
    throw new UsageError(e.message);
  }
  const errors = RuleEngine.checkSources(sources);
  for (const e of errors) process.stdout.write(`${describe(e, dir)}\n`);
  if (errors.length) {
    process.stdout.write(`${errors.length} error${errors.length > 1 ? 's' : ''} in the pack\n`);
    return 2;
  }
  const engine = RuleEngine.fromSources(sources);
  process.stdout.write(`${dir}: ${engine.packName ?? 'pack'} ${engine.packVersion} loads (${engine.files.length} file${engine.files.length === 1 ? '' : 's'})\n`);
  const testsDir = join(dir, 'tests');
  const fixtures = existsSync(testsDir) ? readdirSync(testsDir).filter((f) => f.endsWith('.json')).sort() : [];
  let failed = 0;
  for (const f of fixtures) {
    let fx;
    try {
      fx = JSON.parse(readFileSync(join(testsDir, f), 'utf8'));
    } catch (e) {
      process.stdout.write(`FAIL ${f}: not JSON: ${e.message}\n`);
      failed += 1;
      continue;
    }
    const problems = runFixture(engine, fx);
    const name = typeof fx?.name === 'string' ? fx.name : '';
    if (problems.length) {
      failed += 1;
      process.stdout.write(`FAIL ${f} — ${name}\n${problems.map((p) => `  ${p}`).join('\n')}\n`);
    } else process.stdout.write(`ok   ${f} — ${name}\n`);
  }
  process.stdout.write(`${fixtures.length - failed} of ${fixtures.length} pack tests passed\n`);
  return failed ? 1 : 0;
}

async function compile(opts) {
  const dir = opts.rules ?? opts.positional[0] ?? 'rules';
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`${dir}: not a directory`);
  let text;
  try {
    text = RuleEngine.compile(readPack(dir));
  } catch (e) {
    if (!e.errors) throw e;
    for (const err of e.errors) process.stderr.write(`${describe(err, dir)}\n`);
    process.stderr.write(`${e.errors.length} error${e.errors.length > 1 ? 's' : ''} in the pack\n`);
    return 2;
  }
  if (opts.out) {
    const out = await openOut(opts.out, opts.positional[0]);
    await out.end(text);
  } else process.stdout.write(text);
  return 0;
}

/** `path:line:column: CODE: message` for a rule error (the path under `dir`), `CODE: message` otherwise. */
function describe(e, dir) {
  if (!e.file) return `${dir ? `${dir}: ` : ''}${e.code}: ${e.message}`;
  const at = `${e.file}:${e.line}:${e.column}`;
  const message = e.message.startsWith(`${at}: `) ? e.message.slice(at.length + 2) : e.message;
  return `${dir ? join(dir, e.file) : e.file}:${e.line}:${e.column}: ${e.code}: ${message}`;
}

function readPack(dir) {
  const out = {};
  for (const name of readdirSync(dir).sort()) {
    if (name.endsWith('.rhai') && statSync(join(dir, name)).isFile()) out[name] = new Uint8Array(readFileSync(join(dir, name)));
  }
  return out;
}

/** Compares what the engine says with a fixture's `expect`: a list of differences. */
function runFixture(engine, fx) {
  const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (!isObject(fx)) return [`not a fixture: a JSON object with "ticket" and "expect" is, not ${JSON.stringify(fx)?.slice(0, 40)}`];
  // A misspelt key ("tikcet") is named, not left to fail as a missing ticket would.
  const keys = ['name', 'now', 'ticket', 'expect'];
  const strange = Object.keys(fx).filter((k) => !keys.includes(k));
  if (strange.length) return [`the fixture has ${strange.map((k) => JSON.stringify(k)).join(', ')}: its keys are ${keys.join(', ')}`];
  if (!isObject(fx.ticket)) return ['"ticket" must be an object: the ticket the pack answers for'];
  if (!isObject(fx.expect)) return ['"expect" must be an object: what the pack must say (priority, sla, escalations, nextWakeUp, validation)'];
  const checks = ['priority', 'sla', 'escalations', 'nextWakeUp', 'validation'];
  const unknown = Object.keys(fx.expect).filter((k) => !checks.includes(k));
  if (unknown.length) return [`"expect" has ${unknown.map((k) => JSON.stringify(k)).join(', ')}: it checks ${checks.join(', ')}`];
  if (!Object.keys(fx.expect).length) return ['"expect" is empty: the fixture checks nothing'];
  for (const k of ['priority', 'sla']) {
    if (k in fx.expect && !isObject(fx.expect[k])) return [`expect.${k} must be an object of the fields to compare`];
  }
  for (const k of ['escalations', 'validation']) {
    if (k in fx.expect && !Array.isArray(fx.expect[k])) return [`expect.${k} must be a list`];
  }
  const problems = [];
  const { expect } = fx;
  const same = (path, got, want) => {
    for (const [k, v] of Object.entries(want)) {
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) same(`${path}.${k}`, got?.[k], v);
      else if (JSON.stringify(got?.[k]) !== JSON.stringify(v)) problems.push(`${path}.${k}: expected ${JSON.stringify(v)}, got ${JSON.stringify(got?.[k])}`);
    }
  };
  const attempt = (what, fn) => {
    try {
      return fn();
    } catch (e) {
      problems.push(`${what}: ${e.code}: ${e.message}`);
      return undefined;
    }
  };
  if ('priority' in expect) same('priority', attempt('priority', () => engine.priority(fx.ticket)), expect.priority);
  if ('sla' in expect) same('sla', attempt('sla', () => engine.sla(fx.ticket, fx.now)), expect.sla);
  if ('escalations' in expect || 'nextWakeUp' in expect) {
    const r = attempt('escalations', () => engine.escalations(fx.ticket, fx.now));
    if (r && expect.escalations && JSON.stringify(r.due.map((d) => d.id)) !== JSON.stringify(expect.escalations)) {
      problems.push(`escalations: expected ${JSON.stringify(expect.escalations)}, got ${JSON.stringify(r.due.map((d) => d.id))}`);
    }
    if (r && 'nextWakeUp' in expect && r.nextWakeUp !== expect.nextWakeUp) {
      problems.push(`nextWakeUp: expected ${expect.nextWakeUp}, got ${r.nextWakeUp}`);
    }
  }
  if ('validation' in expect) {
    const r = attempt('validate', () => engine.validate(fx.ticket, fx.type));
    const got = r ? r.errors.map((e) => ({ field: e.field, code: e.code })) : null;
    if (r && JSON.stringify(got) !== JSON.stringify(expect.validation)) {
      problems.push(`validation: expected ${JSON.stringify(expect.validation)}, got ${JSON.stringify(got)}`);
    }
  }
  return problems;
}

// A reader that stops early (`| head`) is not an error; any other failure
// to write the output (a full disk) is, with its reason (exit 2).
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(0);
  process.stderr.write(`ticket-rules: standard output: ${e.message}\n`);
  process.exit(2);
});

async function main() {
  let parsed;
  try {
    parsed = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`${e.message}\n${USAGE}\n`);
    return 2;
  }
  const { command, opts } = parsed;
  const asked = opts.help || ['help', '--help', '-h'].includes(command);
  if (!command || asked) {
    (asked ? process.stdout : process.stderr).write(`${USAGE}\n`);
    return asked ? 0 : 2;
  }
  try {
    if (command === 'check') return check(opts);
    if (command === 'compile') return await compile(opts);
    const engine = loadEngine(opts.rules);
    if (command === 'triage') return await triage(engine, opts);
    if (command === 'stats') return await stats(engine, opts);
    throw new UsageError(`unknown command ${command}`);
  } catch (e) {
    if (e instanceof UsageError) process.stderr.write(`ticket-rules: ${e.message}\n${USAGE}\n`);
    else if (e instanceof OutputError) process.stderr.write(`ticket-rules: ${e.message}\n`);
    else if (e.code) process.stderr.write(`ticket-rules: ${describe(e, opts?.rules)}\n`);
    else process.stderr.write(`ticket-rules: ${e.stack ?? e}\n`);
    return 2;
  }
}

process.exitCode = await main();
