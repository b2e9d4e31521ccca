// CSV for the command line (RFC 4180: commas, double quotes, quoted fields
// may hold commas, quotes and newlines). Tickets are nested JSON; a CSV
// header `contact.name` is the path `contact.name`, and a cell holding JSON
// (a `[` or `{` first) is read as JSON, so `history` fits in one column.

/** Joins physical lines into records: a quoted field may span lines. */
export class CsvSplitter {
  constructor() {
    this.pending = null;
  }

  /** A complete record, or null while a quoted field is still open. */
  push(line) {
    const text = this.pending === null ? line : `${this.pending}\n${line}`;
    let quotes = 0;
    for (let i = 0; i < text.length; i++) if (text[i] === '"') quotes += 1;
    if (quotes % 2 === 1) {
      this.pending = text;
      return null;
    }
    this.pending = null;
    return text;
  }
}

/** The cells of one record. */
export function parseCsvLine(record) {
  const cells = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < record.length; i++) {
    const c = record[i];
    if (quoted) {
      if (c === '"' && record[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      cells.push(cell);
      cell = '';
    } else cell += c;
  }
  cells.push(cell.replace(/\r$/, ''));
  return cells;
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
