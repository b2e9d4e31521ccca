// The golden cases through a RuleEngine in JS (Node or a page): one
// canonical line per case, keys sorted, as tests/golden.rs writes them.

/** JSON with every object's keys sorted (what serde_json's map gives natively). */
export function canonical(v) {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const keys = Object.keys(v).filter((k) => v[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

function answer(fn) {
  try {
    return fn();
  } catch (e) {
    const error = { code: e.code, message: e.message };
    if (e.field !== undefined) error.field = e.field;
    return { error };
  }
}

/** The lines for `cases` (the `cases` array of cases.json). */
export function goldenLines(engine, cases) {
  return cases.map(({ name, now, ticket }) => canonical({
    name,
    out: {
      priority: answer(() => engine.priority(ticket)),
      sla: answer(() => engine.sla(ticket, now)),
      explainSla: answer(() => engine.explainSla(ticket, now)),
      escalations: answer(() => engine.escalations(ticket, now)),
      validate: answer(() => engine.validate(ticket)),
      queue: answer(() => engine.queue([ticket], now)),
    },
  }));
}
