// Uses the API as a user would; `tsc --noEmit` (make typecheck) fails if the
// typings and this use disagree. Never run, only type-checked.
import init, { RuleEngine, Calendar, errorCodes, type PriorityResult, type TicketRulesError, type ErrorCode, type MatrixView, type SlaReport, type LedgerEntry, type ClockState, type FormSchema, type ValidationResult, type FieldError, type TransitionResult } from 'ticket-rules';

async function portal(): Promise<void> {
  await init();
  const engine = RuleEngine.default();
  const version: string = engine.packVersion;
  const r: PriorityResult = engine.priority({ impact: 'Single Building affected', urgency: 'Work Impaired', id: 'TT-1' });
  const seconds: number = r.respondSeconds + r.resolveSeconds;
  const process: string | null = r.process;
  const customer: string | undefined = r.customerPriority;
  const m: MatrixView = engine.matrix();
  const menu: string[] = m.impacts.flatMap((l) => [l.name, ...l.aliases]);
  const first: string = m.cells[0][0].priority;
  void [version, seconds, process, customer, menu, first];
}

function batch(engine: RuleEngine): number {
  let failed = 0;
  for (const item of engine.priorities([{ impact: 'Critical', urgency: 'Work Impaired' }])) {
    if ('error' in item) {
      const code: ErrorCode = item.error.code;
      if (code === 'UNKNOWN_IMPACT') failed++;
    } else {
      const p: string = item.priority;
      void p;
    }
  }
  return failed;
}

function load(sources: Record<string, string>): RuleEngine | undefined {
  try {
    return RuleEngine.fromSources(sources);
  } catch (e) {
    const err = e as TicketRulesError;
    const where = `${err.file}:${err.line}:${err.column}`;
    const all = err.errors?.map((x) => `${x.code} ${x.message}`) ?? [];
    void [where, all];
    return undefined;
  }
}

const codes: ErrorCode[] = errorCodes();
const dir = RuleEngine.fromDir?.('rules');
const list = RuleEngine.checkSources(new Map([['p.rhai', 'priorities(["P1"]);']]));
const byStrings = RuleEngine.default().priorityOf('Critical', 'Work Impaired');
void [portal, batch, load, codes, dir, list, byStrings];

function sla(engine: RuleEngine): string {
  const report: SlaReport = engine.sla(
    { impact: 'Minor', urgency: 'Work Impaired', openedAt: new Date(), history: [{ at: '2026-03-16T15:00:00Z', event: 'responded' }] },
    new Date(),
  );
  const state: ClockState = report.resolve.state;
  const due: string | null = report.resolve.due;
  const ledger: LedgerEntry[] = engine.explainSla({ openedAt: '2026-03-16T14:00:00Z', impact: 'Minor', urgency: 'Work Impaired' }, '2026-03-17T00:00:00Z').resolve.entries;
  const counted = ledger.reduce((n, e) => (e.kind === 'counted' ? n + e.seconds : n), 0);
  const cal: Calendar = Calendar.fromObject({ timezone: 'America/New_York', weekly: { 'mon-fri': ['08:00-17:00'] }, holidays: ['12-25'] });
  const next: string | null = cal.nextOpen(new Date());
  const dueAt: string = engine.calendar('business').add('2026-03-16T14:00:00Z', '4h', [['2026-03-16T15:00:00Z', new Date()]]);
  return `${state} ${due} ${counted} ${next} ${dueAt} ${cal.between(new Date(0), new Date(), null)}`;
}
void sla;

function escalate(engine: RuleEngine, fired: Set<string>): string | null {
  const r = engine.escalations({ id: 'TT-1', impact: 'Critical', urgency: 'Work Impaired', openedAt: '2026-03-16T14:00:00Z', alarms: [{ at: new Date(), message: 'call back' }] }, new Date(), fired);
  for (const d of r.due) {
    fired.add(d.id);
    for (const a of d.actions) {
      if (a.kind === 'notify') void `${a.audience} ${a.name ?? ''} ${a.message}`;
      else if (a.kind === 'raisePriority') void a.to;
    }
  }
  return r.nextWakeUp;
}
void escalate;

function form(engine: RuleEngine): string[] {
  const schema: FormSchema = engine.formSchema('incident');
  const r: ValidationResult = engine.validate({ type: 'incident', summary: 'x' }, null, { lookups: { contacts: [{ name: 'A' }] } });
  const messages = r.errors.map((e: FieldError) => `${e.field}: ${e.code} ${e.message}`);
  const t: TransitionResult = engine.transition({ type: 'incident', status: 'New' }, 'In Process', { children: [{ status: 'Closed' }] });
  const mine: FormSchema = engine.formSchema('incident', { role: 'customer', status: 'In Process' });
  const modes = mine.fields.map((f) => `${f.name}: ${f.mode ?? 'editable'}`);
  const shown = engine.redact({ type: 'incident', resolution: 'x' }, 'customer');
  const checked: ValidationResult = engine.validate(shown, null, { role: 'customer', previous: { type: 'incident' } });
  return [...schema.fields.map((f) => f.label), ...messages, String(t.allowed), ...engine.types, ...modes, String(checked.valid)];
}
void form;

// The slim module has the browser module's API; only NO_RHAI is its own.
import initSlim, { RuleEngine as SlimEngine } from 'ticket-rules/slim';
async function slimPortal(text: string): Promise<string> {
  await initSlim();
  const engine = SlimEngine.fromCompiled(text);
  try {
    SlimEngine.fromSources({ 'p.rhai': 'pack_name("x");' });
  } catch (e) {
    const code: ErrorCode = (e as TicketRulesError).code;
    if (code === 'NO_RHAI') return engine.packVersion;
  }
  return engine.priority({ impact: 'Single Building affected', urgency: 'Work Impaired' }).priority;
}
void slimPortal;
