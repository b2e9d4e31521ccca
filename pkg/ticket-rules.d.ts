// Typings for ticket-rules, hand-written so that every result has its
// fields and every field its documentation. The wasm-bindgen glue is
// generated; these are checked against real use by `tsc --noEmit` in
// `make test` (tests/js/typecheck.ts).

/** Every code an error of ticket-rules can carry. Append-only. */
export type ErrorCode =
  | 'UNKNOWN_IMPACT'
  | 'UNKNOWN_URGENCY'
  | 'UNKNOWN_SEVERITY'
  | 'MISSING_FIELD'
  | 'INVALID_TYPE'
  | 'INVALID_INPUT'
  | 'RULE_SYNTAX'
  | 'RULE_RUNTIME'
  | 'RULE_LIMIT'
  | 'PACK_INVALID'
  | 'IO';

/** The fields of an error, on a thrown `Error` and in error lists. */
export interface ErrorInfo {
  /** Stable code, e.g. `UNKNOWN_IMPACT`. */
  code: ErrorCode;
  /** For people; may change between versions. */
  message: string;
  /** The ticket field the error is about (`impact`, `urgency`, ...). */
  field?: string;
  /** The values the field accepts, for unknown-value errors. */
  allowed?: string[];
  /** Rule errors: the rule file. */
  file?: string;
  /** Rule errors: line, 1-based. */
  line?: number;
  /** Rule errors: column in characters, 1-based. */
  column?: number;
  /** `RULE_LIMIT`: which sandbox limit stopped the rule. */
  limit?: 'operations' | 'call depth' | 'expression depth' | 'data size' | 'variables';
}

/**
 * What every failure throws: an `Error` named `TicketRulesError` with the
 * fields of {@link ErrorInfo}. `fromSources` adds `errors`: every error of
 * the pack.
 */
export interface TicketRulesError extends Error, ErrorInfo {
  name: 'TicketRulesError';
  errors?: ErrorInfo[];
}

/** The fields of a ticket the priority reads; other fields are kept. */
export interface TicketLike {
  /** An impact level name or any alias the pack declares (case-insensitive). */
  impact?: string | null;
  /** An urgency level name or alias. */
  urgency?: string | null;
  /** What the customer said the severity is, on the urgency scale. */
  customerSeverity?: string | null;
  [field: string]: unknown;
}

/** The priority of a ticket and the SLA targets of its matrix cell. */
export interface PriorityResult {
  /** The service's priority, e.g. `Emergency`. */
  priority: string;
  /** The impact level the ticket's impact maps to, e.g. `Critical`. */
  impactLevel: string;
  /** The urgency level, by its declared name. */
  urgency: string;
  /** `24x7`, or the calendar the SLA clocks run on (`business`). */
  clock: string;
  /** Respond By target, in seconds of that clock. */
  respondSeconds: number;
  /** Resolved By target, in seconds of that clock. */
  resolveSeconds: number;
  /** `Outage Management`, `Problem Management`, or `null`. */
  process: string | null;
  /** The customer's severity (canonical urgency name), when the ticket has one. */
  customerSeverity?: string;
  /** The priority the customer's severity would have given (RFC 1297: customer severity vs NOC priority). */
  customerPriority?: string;
  /** Why the pack's `adjust_priority` hook changed the result, if it did. */
  reason?: string;
  /** The pack version that computed this. */
  packVersion: string;
}

/** An item of `priorities()` for a ticket that failed. */
export interface PriorityError {
  error: ErrorInfo;
}

/** An impact or urgency level with the other words that mean it. */
export interface Level {
  name: string;
  aliases: string[];
}

/** One matrix cell. */
export interface MatrixCell {
  priority: string;
  clock: string;
  respondSeconds: number;
  resolveSeconds: number;
  process: string | null;
}

/** The matrix as data, e.g. to render a portal's menus. */
export interface MatrixView {
  /** Impact levels, highest first. */
  impacts: Level[];
  /** Urgency levels, most urgent first. */
  urgencies: Level[];
  /** Priority names, highest first. */
  priorities: string[];
  /** `cells[urgency][impact]`, in the orders above. */
  cells: MatrixCell[][];
}

/** Rule files: name → rhai source (text, or UTF-8 bytes). */
export type Sources = Record<string, string | Uint8Array> | Map<string, string | Uint8Array>;

/** A loaded rule pack. */
export class RuleEngine {
  private constructor();
  /** The default pack, embedded in the module. */
  static default(): RuleEngine;
  /** A pack from its files. Throws a {@link TicketRulesError} (with every error in `.errors`). */
  static fromSources(sources: Sources): RuleEngine;
  /** Node only: a pack from the `*.rhai` files in a directory. */
  static fromDir?(dir: string): RuleEngine;
  /** Every error of a pack, or `[]` when it loads. Never throws. */
  static checkSources(sources: Sources): ErrorInfo[];
  /** The version the pack declares; every result carries it. */
  readonly packVersion: string;
  /** The name the pack declares. */
  readonly packName: string | undefined;
  /** A hash of the pack's file names and contents. */
  readonly packHash: string;
  /** The pack's file names, sorted. */
  readonly files: string[];
  /** rhai hook calls made so far (0 for a pack without hooks). */
  readonly hookCalls: number;
  /** The matrix as data. */
  matrix(): MatrixView;
  /** The priority of a ticket. Throws a {@link TicketRulesError} for bad input. */
  priority(ticket: TicketLike): PriorityResult;
  /** The priority from the strings directly (the cheapest call). */
  priorityOf(impact: string, urgency: string, customerSeverity?: string | null): PriorityResult;
  /** Priorities for many tickets in one call; a failing ticket gives `{ error }` in its place. */
  priorities(tickets: TicketLike[]): Array<PriorityResult | PriorityError>;
  /** Frees the engine's memory now instead of at garbage collection. */
  free(): void;
}

/** Every code in {@link ErrorCode}, from the engine itself. */
export function errorCodes(): ErrorCode[];

/** Node only: reads a pack directory as {@link Sources}. */
export function readRulesDir(dir: string): Record<string, Uint8Array>;

/** Browser: fetches and instantiates the wasm. Await it once before anything else. */
export default function init(
  input?: { module_or_path?: RequestInfo | URL | Response | BufferSource | WebAssembly.Module } | RequestInfo | URL | Response | BufferSource | WebAssembly.Module,
): Promise<unknown>;

/** Instantiates the wasm synchronously from its bytes or a compiled module. */
export function initSync(module: { module: BufferSource | WebAssembly.Module } | BufferSource | WebAssembly.Module): unknown;
