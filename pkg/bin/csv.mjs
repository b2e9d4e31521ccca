// CSV for the command line (RFC 4180, read leniently: commas, double quotes,
// quoted fields may hold commas, quotes and newlines). Tickets are nested
// JSON; a CSV header `contact.name` is the path `contact.name`, and a cell
// holding JSON (a `[` or `{` first) is read as JSON, so `history` fits in one
// column.

const START = 0; // at the start of a field
const PLAIN = 1; // in a field that is not quoted: a quote there is a character
const QUOTED = 2; // in a quoted field
const CLOSING = 3; // after a quote in a quoted field: a second one is a quote, anything else closes the field

/**
 * Reads records line by line, leniently as common tools do: a quote opens a
 * quoted field only first in a field; elsewhere it is a character (`My 27"
 * monitor`), as is text after a closing quote (`"27" monitor` reads `27
 * monitor`). A quoted field may hold line ends, so a record may span lines;
 * one still open when the input ends is `close()`d by the caller.
 */
export class CsvReader {
  constructor() {
    this.reset();
  }

  reset() {
    this.cells = [];
    this.cell = '';
    this.state = START;
    this.lines = []; // [number, text] of each line of the record being read
    this.openedOn = null; // the number of the line where the last quoted field opened
  }

  /** The cells of the record this line ends, or null while a quoted field runs on to the next line. */
  push(line, number) {
    let { cell, state } = this;
    if (state === QUOTED) cell += '\n';
    this.lines.push([number, line]);
    for (let i = 0; i < line.length; i++) {
      const c = line[i];
      if (state === QUOTED) {
        if (c === '"') state = CLOSING;
        else cell += c;
      } else if (c === ',') {
        this.cells.push(cell);
        cell = '';
        state = START;
      } else if (state === CLOSING) {
        cell += c;
        state = c === '"' ? QUOTED : PLAIN;
      } else if (c === '"' && state === START) {
        state = QUOTED;
        this.openedOn = number;
      } else {
        cell += c;
        state = PLAIN;
      }
    }
    if (state === QUOTED) {
      this.cell = cell;
      this.state = state;
      return null;
    }
    const { cells } = this;
    cells.push(cell);
    this.reset();
    return cells;
  }

  /**
   * At the end of the input, a record whose last quoted field was never
   * closed: the line it starts on, the line that field opens on, the cells
   * before it, and the lines it took in after that (`[number, text]`); null
   * if there is none.
   */
  close() {
    if (this.state !== QUOTED) return null;
    const { openedOn } = this;
    const open = { line: this.lines[0][0], openedOn, cells: this.cells, rest: this.lines.filter(([n]) => n > openedOn) };
    this.reset();
    return open;
  }
}

/** A record as a row of text. */
export function toCsvRow(values) {
  return values
    .map((v) => {
      if (v === undefined || v === null) return '';
      const s = typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
      return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
    })
    .join(',');
}

/** A CSV row as a nested ticket: dotted headers, JSON cells, empty cells left out. */
export function unflatten(header, cells) {
  const out = {};
  header.forEach((name, i) => {
    const raw = cells[i] ?? '';
    if (raw === '' || !name || name === '__proto__') return;
    let value = raw;
    if (/^\s*[[{]/.test(raw)) {
      try {
        value = JSON.parse(raw);
      } catch {
        value = raw;
      }
    }
    const parts = name.split('.');
    if (parts.includes('__proto__') || parts.includes('constructor') || parts.includes('prototype')) return;
    let at = out;
    for (const p of parts.slice(0, -1)) {
      if (typeof at[p] !== 'object' || at[p] === null) at[p] = {};
      at = at[p];
    }
    at[parts[parts.length - 1]] = value;
  });
  return out;
}

/** A nested object as dotted columns; arrays stay JSON in one cell. */
export function flatten(obj, prefix = '', out = {}) {
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) flatten(v, key, out);
    else out[key] = v;
  }
  return out;
}
