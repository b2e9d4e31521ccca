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
  | 'IO'
  | 'INVALID_INSTANT'
  | 'INVALID_DURATION'
  | 'UNKNOWN_TIMEZONE'
  | 'INVALID_TIME'
  | 'INVALID_DATE'
  | 'INVALID_CALENDAR'
  | 'INVALID_PAUSE'
  | 'UNKNOWN_CALENDAR'
  | 'OUT_OF_RANGE'
  | 'INVALID_HISTORY'
  | 'UNKNOWN_STATUS'
  | 'UNKNOWN_PRIORITY'
  | 'UNKNOWN_TYPE'
  | 'UNKNOWN_ROLE'
  | 'TOO_LARGE'
  | 'UNKNOWN_PACK_VERSION'
  /** The slim build (no rhai): a pack from source, or a hook call. */
  | 'NO_RHAI';

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
  limit?: 'operations' | 'call depth' | 'expression depth' | 'data size' | 'data depth' | 'variables' | 'time';
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

/** An instant: an RFC 3339 string (any offset) or a `Date`. Answers are RFC 3339 UTC (`Z`), whole seconds. */
export type InstantLike = string | Date;

/** One event of a ticket's history (oldest first). */
export interface HistoryEvent {
  /** When it happened. */
  at: InstantLike;
  /** A new status. */
  status?: string;
  /** An event, e.g. `responded` (stops the Respond By clock). */
  event?: string;
  /** Re-prioritisation: a new impact. */
  impact?: string;
  /** Re-prioritisation: a new urgency. */
  urgency?: string;
  /** Re-prioritisation: a priority set directly (until the next change without one). */
  priority?: string;
  [field: string]: unknown;
}

/** A ticket (shared/reference/ticket-model.md); a pack's form fields add their own keys. */
export interface TicketLike {
  id?: string | number;
  type?: string;
  /** An impact level name or any alias the pack declares (case-insensitive). */
  impact?: string | null;
  /** An urgency level name or alias. */
  urgency?: string | null;
  /** What the customer said the severity is, on the urgency scale. */
  customerSeverity?: string | null;
  /** The current status; must agree with the history's last status. */
  status?: string;
  /** When the ticket opened; the SLA clocks start here. */
  openedAt?: InstantLike;
  /** What happened, oldest first. */
  history?: HistoryEvent[];
  /** Operator-set alarm clocks (RFC 1297): each comes due at `at`. */
  alarms?: Array<{ at: InstantLike; message?: string; id?: string }>;
  /**
   * The version of the pack the ticket was opened under (stamp it from the
   * first result's `packVersion`); {@link PackSet.forTicket} answers with
   * that pack. No other operation reads it.
   */
  packVersion?: string | null;
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

/** A pause of the clock: `[from, to)`. */
export type PauseLike = [InstantLike, InstantLike] | { from: InstantLike; to: InstantLike };

/** An opening interval: `["08:00", "17:00"]`, or `"08:00-17:00"` (`"22:00-06:00"` is a night shift). */
export type IntervalSpec = [string, string] | string;

/** A calendar in its plain-object form. */
export interface CalendarSpec {
  /** An IANA zone, e.g. `America/New_York`. */
  timezone: string;
  /** Keys `mon`…`sun`, ranges like `mon-fri`, or `daily`. */
  weekly: Record<string, IntervalSpec[]>;
  /** `YYYY-MM-DD`, yearly `MM-DD`, rules like `4th Thursday of November` (`+1d`), or objects. */
  holidays?: Array<string | { date?: string; rule?: string; name?: string; observed?: boolean }>;
  /** Observe weekend holidays on the nearest weekday. */
  observed?: boolean;
  /** A date's own intervals (`[]` closes it). */
  overrides?: Record<string, IntervalSpec[]>;
  name?: string;
}

/** A business calendar. */
export class Calendar {
  private constructor();
  /** A calendar from its plain-object form. Throws a {@link TicketRulesError}. */
  static fromObject(spec: CalendarSpec): Calendar;
  /** The built-in 24x7 calendar. */
  static always(): Calendar;
  readonly name: string;
  readonly timezone: string;
  /** When `seconds` (or a duration like `"4h"`) of business time have run from `start`. */
  add(start: InstantLike, seconds: number | string, pauses?: PauseLike[] | null): string;
  /** Seconds of business time in `[a, b)`. */
  between(a: InstantLike, b: InstantLike, pauses?: PauseLike[] | null): number;
  /** Whether the calendar is open at `t`. */
  isOpen(t: InstantLike): boolean;
  /** The first open instant at or after `t`, or `null` if none within 20 years. */
  nextOpen(t: InstantLike): string | null;
  free(): void;
}

/** Where a clock stands. */
export type ClockState = 'running' | 'paused' | 'met' | 'breached';

/** One SLA clock at `now`. */
export interface ClockReport {
  /** The calendar it runs on (`24x7`, `business`). */
  clock: string;
  /** The target, seconds of that calendar. */
  targetSeconds: number;
  /** When it started (opening, or the last restart). */
  startedAt: string;
  /** When it is (or was) due; `null` while paused. */
  due: string | null;
  elapsedSeconds: number;
  remainingSeconds: number;
  /** Elapsed as a percentage of the target, to 0.1. */
  percentUsed: number;
  state: ClockState;
  /** When it stopped, if it has. */
  stoppedAt: string | null;
  /** Met: seconds to spare; breached: seconds over; otherwise `null`. */
  bySeconds: number | null;
}

/** Both clocks of a ticket. */
export interface SlaReport {
  /** The priority now (after any re-prioritisation). */
  priority: PriorityResult;
  respond: ClockReport;
  resolve: ClockReport;
  /** The status now. */
  status: string;
  /** Wall seconds in customer-time statuses (RFC 1297), excluded from time-to-repair. */
  customerSeconds: number;
  /** Wall seconds the service was working it (open to resolution or now, minus customer and resolved time). */
  serviceSeconds: number;
  now: string;
  packVersion: string;
}

/** One line of an explain ledger. */
export type LedgerEntry =
  | { kind: 'cell'; at: string; priority: string; impactLevel: string; urgency: string; clock: string; targetSeconds: number }
  | { kind: 'counted'; from: string; to: string; seconds: number }
  | { kind: 'closed'; from: string; to: string; reason: string }
  | { kind: 'paused'; from: string; to: string; status: string }
  | { kind: 'stopped'; from: string; to: string; status: string }
  | { kind: 'dst'; at: string; offsetBefore: string; offsetAfter: string }
  | { kind: 'due'; at: string }
  | { kind: 'now'; at: string };

/** A clock's report and the ledger behind its due date. */
export interface ClockLedger {
  report: ClockReport;
  entries: LedgerEntry[];
}

/** Both clocks, explained. */
export interface SlaExplanation {
  respond: ClockLedger;
  resolve: ClockLedger;
  packVersion: string;
}

/** Who a notification is for. */
export type Audience = 'role' | 'group' | 'assignee' | 'customer';

/** What the host is to do, as data; messages are filled from the ticket. */
export type EscalationAction =
  | { kind: 'notify'; audience: Audience; /** The role or group. */ name?: string; message: string }
  | { kind: 'reassign'; group: string }
  | { kind: 'raisePriority'; steps: number; from: string; to: string }
  | { kind: 'setFlag'; flag: string; value: unknown };

/** One occurrence of a level (or an alarm) that has come due. */
export interface DueEscalation {
  /** Stable across calls: ticket id, level and occurrence (`TT-1/respond-breach/0`; an alarm: `TT-1/alarm/{its id}`, or `TT-1/alarm/{at}#{hash of its message}`). */
  id: string;
  /** The level's name, or `alarm`. */
  level: string;
  /** When it came due (after any quiet-hours deferral). */
  dueAt: string;
  /** When its condition was first met. */
  triggeredAt: string;
  actions: EscalationAction[];
}

/** What must happen to a ticket now, and when to look again. */
export interface EscalationReport {
  /** Everything due and not in `fired`, in the order it came due. */
  due: DueEscalation[];
  /** The earliest future instant the answer could change (if the ticket does not); call again then, and on every change. */
  nextWakeUp: string | null;
  packVersion: string;
}

/** A validation error's code; a pack's rules may add their own. */
export type ValidationCode =
  | 'REQUIRED' | 'TOO_SHORT' | 'TOO_LONG' | 'PATTERN' | 'NOT_IN_MENU' | 'INVALID_EMAIL' | 'INVALID_PHONE'
  | 'NOT_A_NUMBER' | 'NOT_AN_INTEGER' | 'TOO_SMALL' | 'TOO_LARGE' | 'INVALID_DATE_TIME' | 'NOT_BOOLEAN'
  | 'WRONG_TYPE' | 'UNKNOWN_REFERENCE' | 'TOO_FEW' | 'TOO_MANY' | 'UNKNOWN_FIELD' | 'NOT_ALLOWED'
  | 'CHILDREN_OPEN' | 'RULE' | 'READ_ONLY' | 'FORBIDDEN' | 'INVALID_HISTORY' | (string & {});

/** One validation error. */
export interface FieldError {
  /** The field's path (`contact.phone`, `tags[2]`). */
  field: string;
  code: ValidationCode;
  /** What the message is made from (`label`, `max`, `allowed`, ...). */
  params: Record<string, unknown>;
  /** From the pack's template for the code (translatable). */
  message: string;
}

/** One open ticket in the work queue. */
export interface QueueEntry {
  /** 1 for the ticket to pick up first. */
  rank: number;
  /** Where the ticket was in the list given. */
  index: number;
  id: string | null;
  priority: string;
  /** The clock that decides its place: `respond` until the first response, then `resolve`. */
  clock: 'respond' | 'resolve';
  state: ClockState;
  due: string | null;
  remainingSeconds: number;
  percentUsed: number;
  /** Whether the clock's calendar is open now; if not, when it opens again. */
  openNow: boolean;
  resumesAt: string | null;
  /** Why it is here, in words: "resolve due in 35 min of business time; 85% used". */
  reason: string;
  /** The ticket's status now. */
  status: string;
}

/** The work queue at `now`: breached first, then the least of the running clock's target left, then priority, then age; paused tickets last. */
export interface QueueReport {
  /** The ranked open tickets: all of them, or the first `options.limit`. */
  entries: QueueEntry[];
  /** How many open tickets were ranked (with `limit`, more than `entries` may hold). */
  ranked: number;
  /** Indexes of the resolved and closed tickets left out. */
  notOpen: number[];
  /** Tickets whose clocks could not be computed (they do not stop the others). */
  problems: Array<{ index: number; id: string | null; code: ErrorCode; message: string }>;
  now: string;
  packVersion: string;
}

/** One criterion of the queue's order, as a pack's `queue_order([...])` names it. */
export type QueueCriterion = 'paused_last' | 'breached_first' | 'percent_used' | 'remaining' | 'priority' | 'age' | 'due';

/** Options of `queue`. Unknown options are refused (`INVALID_INPUT`). */
export interface QueueOptions {
  /** Criteria to order by instead of the pack's `queue_order` (after the pack's `queue_rank` hook, if any); `[]` keeps the order given. */
  order?: QueueCriterion[] | null;
  /** Only the first this many entries (`ranked` still counts them all). */
  limit?: number | null;
}

/** Options of `validate`. */
export interface ValidateOptions {
  /** Lookup lists for this call (name → records), beside the pack's. */
  lookups?: Record<string, Array<Record<string, unknown>>>;
  /**
   * A user role of the pack (`user_roles`): a field it set or changed and may not is
   * `READ_ONLY` (it may see it) or `FORBIDDEN` (it may not), and the value is taken back out.
   * The ticket model's record (`id`, `status`, `openedAt`, `history`, `alarms`, `parent`,
   * `children`) is the host's: a person gives none of it on a new ticket (but the type's first
   * status), and what they send on a change must be what the ticket had.
   */
  role?: string | null;
  /** The ticket before this change (none: it is being created). Fields left out keep their previous values. */
  previous?: TicketLike | null;
  // A key these options do not know (`rol`) is `INVALID_INPUT`, not ignored.
}

/** Who may do what with a field: every role, or roles each at any status (`'all'`) or the statuses listed; `{}` is no one. */
export type Grant = 'all' | Record<string, 'all' | string[]>;

/** The answer of `validate`. */
export interface ValidationResult {
  valid: boolean;
  /** Every error at once: keys the type does not know (`UNKNOWN_FIELD`, with `unknown_fields("reject")`) first, then the fields' in form order, then the cross-field rules'. */
  errors: FieldError[];
  /** The ticket with defaults and auto-filled fields (contact details, the priority...). */
  ticket: TicketLike;
  /**
   * The fields this ticket must have a value for as it stands: in form
   * order those always required, those whose `requiredWhen` holds for the
   * filled ticket and those its status requires, then those a cross-field
   * rule that holds refuses empty (a description when work has stopped),
   * judged as the errors are. What a form marks as required now (given or
   * not), without evaluating conditions itself.
   */
  required: string[];
  /** The version of the pack that answered. */
  packVersion: string;
}

/** A field kind. */
export type FieldKind = 'text' | 'longtext' | 'enum' | 'email' | 'phone' | 'number' | 'datetime' | 'boolean' | 'reference' | 'list';

/** A field as a portal draws it. */
export interface FormField {
  name: string;
  kind: FieldKind;
  /** For lists. */
  of?: FieldKind;
  label: string;
  help: string | null;
  required: boolean;
  /** A condition that makes it required: `{ field: value }` (or `{ function: name }`). */
  requiredWhen: Record<string, unknown> | null;
  /** For enums. */
  menu?: Array<{ value: string; label: string }>;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  min?: number;
  max?: number;
  integer?: boolean;
  default?: unknown;
  fill?: { from: 'priority' | 'copy' | 'lookup'; [k: string]: unknown };
  /** The field's permissions, when it has any (`user_roles` in the pack). */
  access?: { read: Grant; create: Grant; change: Grant };
  /** With `formSchema(type, { role })`: how that role meets the field. */
  mode?: 'hidden' | 'readonly' | 'editable';
  lookup?: string;
  key?: string;
  /** References: the keys of the pack's own lookup list, for suggestions. */
  choices?: string[];
  minItems?: number;
  maxItems?: number;
}

/** What a portal needs to draw a type's form. */
export interface FormSchema {
  type: string;
  label: string;
  help: string | null;
  fields: FormField[];
  unknownFields: 'keep' | 'reject' | 'drop';
  statuses: string[];
  initial: string | null;
  transitions: Record<string, string[]>;
  requiredAt: Record<string, string[]>;
  /**
   * The type's cross-field rules: one written as data whole (when it applies,
   * as `requiredWhen` says a condition; the field; what it must then be:
   * present, of `minLength` to `maxLength` characters after trimming, matching
   * `pattern`, one of `oneOf`, not the same as `differsFrom`; the error's code
   * and message), one written as a rhai function by its name only.
   */
  rules: Array<
    | { function: string }
    | {
        when: Record<string, unknown> | { function: string } | null;
        field: string;
        required: boolean;
        minLength: number | null;
        maxLength: number | null;
        pattern: string | null;
        oneOf: unknown[];
        differsFrom: string | null;
        code: string;
        message: string | null;
      }
  >;
  children: boolean;
  reclassify: Array<{ to: string; requires: string[] }>;
  /** With `formSchema(type, { role })`: the role, and the status the modes are for (the initial one for a new ticket). */
  role?: string;
  status?: string;
  /** The version of the pack the form comes from. */
  packVersion: string;
}

/** The answer of `transition` and `reclassify`. */
export interface TransitionResult {
  allowed: boolean;
  from: string;
  to: string;
  /** Every reason it is not allowed. */
  errors: FieldError[];
  /** The version of the pack that answered. */
  packVersion: string;
}

/** How a pack's SLA clocks run. */
export interface SlaPolicy {
  statuses: string[];
  pause: string[];
  customerTime: string[];
  resolved: string[];
  /** The statuses a ticket is done in (the work queue leaves them out). */
  closed: string[];
  respondedEvent: string;
  onPriorityChange: 'keep' | 'restart';
}

/** Rule files: name → rhai source (text, or UTF-8 bytes). */
export type Sources = Record<string, string | Uint8Array> | Map<string, string | Uint8Array>;

/** A loaded rule pack. */
export class RuleEngine {
  private constructor();
  /** The default pack, embedded in the module. */
  static default(): RuleEngine;
  /**
   * A pack from its files. Throws a {@link TicketRulesError} (with every error in `.errors`).
   * In `ticket-rules/slim` (no rhai) it always throws `NO_RHAI`: load a compiled pack there.
   */
  static fromSources(sources: Sources): RuleEngine;
  /**
   * Node only (absent in the browser builds, hence optional): a pack from the `*.rhai` files
   * in a directory. From TypeScript in Node: `RuleEngine.fromDir!('./rules')`.
   */
  static fromDir?(dir: string): RuleEngine;
  /** Every error of a pack, or `[]` when it loads. Never throws. In `ticket-rules/slim`: `[NO_RHAI]`. */
  static checkSources(sources: Sources): ErrorInfo[];
  /**
   * A pack compiled: its declarations as data (JSON text) that
   * {@link RuleEngine.fromCompiled} loads without parsing or running rhai,
   * so a page can ship it instead of the sources and load in a few
   * milliseconds. Throws like {@link RuleEngine.fromSources} (so, in
   * `ticket-rules/slim`, always `NO_RHAI`: compile with the full build).
   */
  static compile(sources: Sources): string;
  /**
   * A pack from the text {@link RuleEngine.compile} wrote. Every
   * declaration is checked as from source, and held to the sizes the
   * source ran under; functions are compiled on the first hook call. The
   * text's `hash` (its `packHash`) is the hash of the sources it says it
   * was compiled from, not checked against them. Throws a
   * {@link TicketRulesError} (`PACK_INVALID` for text that is not a
   * compiled pack). In `ticket-rules/slim` this is how a pack loads, and a
   * call that needs one of its rhai functions throws `NO_RHAI` (with the
   * function's `file`, `line` and `column`).
   */
  static fromCompiled(text: string): RuleEngine;
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
  /** The SLA clocks of a ticket at `now` (the engine never reads the clock). */
  sla(ticket: TicketLike, now: InstantLike): SlaReport;
  /** The SLA clocks with the ledger behind each due date. */
  explainSla(ticket: TicketLike, now: InstantLike): SlaExplanation;
  /** The escalations due at `now`, except the ids in `fired` (already carried out). */
  escalations(ticket: TicketLike, now: InstantLike, fired?: string[] | Set<string> | null): EscalationReport;
  /**
   * Validates a ticket (as `type`, or its own): every error at once, and the auto-filled ticket.
   * Validated as a `type` named here, the returned ticket is of that type (its `type` says so);
   * with `role` and `previous` the type is the host's, and a `type` that is not the previous
   * ticket's is `READ_ONLY` at `type` (a change of type is `reclassify`'s).
   */
  validate(ticket: TicketLike, type?: string | null, options?: ValidateOptions | null): ValidationResult;
  /**
   * What a portal needs to draw a type's form; with `role`, each field's `mode` for that role at
   * `status` (the initial one if not given). A `status` without a `role` is `INVALID_INPUT`.
   */
  formSchema(type: string, options?: { role?: string | null; status?: string | null } | null): FormSchema;
  /** Open tickets ranked for a person picking the next task at `now` (one call for the whole list). */
  queue(tickets: TicketLike[], now: InstantLike, options?: QueueOptions | null): QueueReport;
  /** The ticket without the fields `role` may not read at its status (in its history too): what a server sends that role. */
  redact(ticket: TicketLike, role: string): TicketLike;
  /** A type's form as a JSON Schema (draft 2020-12). */
  jsonSchema(type: string): Record<string, unknown>;
  /**
   * Whether a ticket may move to status `to` (`context.children` stands in for the ticket's own;
   * `null` is "not given"). A key `context` does not know is `INVALID_INPUT`.
   */
  transition(ticket: TicketLike, to: string, context?: { children?: Array<{ id?: string | number; status: string }> | null } | null): TransitionResult;
  /** Whether a ticket may become a ticket of type `to`. */
  reclassify(ticket: TicketLike, to: string): TransitionResult;
  /** The pack's ticket types. */
  readonly types: string[];
  /** The user roles the pack declares (`user_roles`), for permissions. */
  readonly userRoles: string[];
  /** A calendar of the pack by name (`24x7`, `business`, ...). */
  calendar(name: string): Calendar;
  /** The pack's calendar names, `24x7` first. */
  readonly calendars: string[];
  /** The pack's SLA policy. */
  slaPolicy(): SlaPolicy;
  /** Frees the engine's memory now instead of at garbage collection. */
  free(): void;
}

/**
 * Several packs loaded at once, by version, so a ticket can be answered
 * under the rules it was opened with.
 *
 * ```js
 * const packs = new PackSet();
 * packs.add(RuleEngine.fromSources(lastYear));   // 2025.4.0
 * packs.add(RuleEngine.default());               // 2026.12.1, the newest
 * packs.forTicket({ ...ticket, packVersion: '2025.4.0' }).sla(ticket, now);
 * packs.forTicket(ticketWithoutVersion);          // the newest
 * ```
 */
export class PackSet {
  constructor();
  /** Adds an engine (it stays usable) as the newest; the same pack again is a no-op, other rules under a loaded version throw `PACK_INVALID`. */
  add(engine: RuleEngine): void;
  /** The engine of `version`, or `undefined`. */
  get(version: string): RuleEngine | undefined;
  /** The newest engine, or `undefined` when empty. */
  readonly latest: RuleEngine | undefined;
  /** Loaded versions, oldest first. */
  readonly versions: string[];
  /** Removes a version; whether it was loaded. */
  remove(version: string): boolean;
  /** The engine its `packVersion` names (throws `UNKNOWN_PACK_VERSION` if not loaded), or the newest. */
  forTicket(ticket: TicketLike): RuleEngine;
  free(): void;
}

/** Every {@link ValidationCode} the engine itself produces. */
export function validationCodes(): string[];

/** Every code in {@link ErrorCode}, from the engine itself. */
export function errorCodes(): ErrorCode[];

/**
 * Turns the sandbox's time guard on (the default) or off, for every engine
 * of this module instance. Off, only the deterministic limits (operations,
 * call depth, sizes) stop a rule, so a runaway rule fails the same way on
 * every machine; on, a rule whose single operations are very expensive
 * (counting a million characters in a loop) is also stopped after the
 * pack's `time_ms` (50 ms unless it asks for less), with
 * `RULE_LIMIT` and `limit: 'time'`. The clock never changes an answer.
 */
export function setTimeGuard(on: boolean): void;

/** Node only: reads a pack directory as {@link Sources}. */
export function readRulesDir(dir: string): Record<string, Uint8Array>;

/**
 * Browser: fetches and instantiates the wasm. Await it once before anything
 * else: until it has finished, every call fails with `INVALID_INPUT`
 * ("not initialised"). It fails with `IO` (the platform's error as
 * `.cause`) when the module cannot be fetched or is not this module's
 * bytes; it may then be called again. Once it has succeeded, later calls
 * do nothing.
 */
export default function init(
  input?: { module_or_path?: RequestInfo | URL | Response | BufferSource | WebAssembly.Module } | RequestInfo | URL | Response | BufferSource | WebAssembly.Module,
): Promise<unknown>;

/** Instantiates the wasm synchronously from its bytes or a compiled module; `IO` if they are not this module's. */
export function initSync(module: { module: BufferSource | WebAssembly.Module } | BufferSource | WebAssembly.Module): unknown;
