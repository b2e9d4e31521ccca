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
    this.parts = []; // the cell being read, in pieces (slices of lines; joined once it ends)
    this.state = START;
    this.lines = []; // [number, text] of each line of the record being read
    this.openedOn = null; // the number of the line where the last quoted field opened
  }

  endCell() {
    const { parts } = this;
    this.cells.push(parts.length === 1 ? parts[0] : parts.join(''));
    parts.length = 0; // in place: push() holds it
  }

  /**
   * The cells of the record this line ends, or null while a quoted field runs
   * on to the next line. `startedOn` is then the line that record began on.
   * Text is taken in slices between the commas and quotes found (a cell built
   * a character at a time took ~40 bytes a character: a long quoted field
   * left open ran Node out of memory).
   */
  push(line, number) {
    let { state } = this;
    const { parts } = this;
    if (state === QUOTED) parts.push('\n');
    this.lines.push([number, line]);
    const n = line.length;
    let i = 0;
    while (i < n) {
      if (state === QUOTED) {
        const q = line.indexOf('"', i);
        if (q < 0) {
          parts.push(line.slice(i));
          break;
        }
        if (q > i) parts.push(line.slice(i, q));
        state = CLOSING;
        i = q + 1;
      } else if (state === CLOSING) {
        const c = line[i];
        if (c === ',') {
          this.endCell();
          state = START;
        } else {
          parts.push(c);
          state = c === '"' ? QUOTED : PLAIN;
        }
        i += 1;
      } else if (state === START && line[i] === '"') {
        state = QUOTED;
        this.openedOn = number;
        i += 1;
      } else {
        // Up to the next comma; a quote here is a character.
        const comma = line.indexOf(',', i);
        const to = comma < 0 ? n : comma;
        if (to > i) parts.push(line.slice(i, to));
        if (comma < 0) {
          state = PLAIN;
          break;
        }
        this.endCell();
        state = START;
        i = comma + 1;
      }
    }
    if (state === QUOTED) {
      this.state = state;
      return null;
    }
    this.endCell();
    const { cells } = this;
    this.startedOn = this.lines[0][0];
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
