// Runs the table of runaway hooks (runaway-hooks.json) against a RuleEngine
// class, in Node or in a page: for each case, what stopped it, how long it
// took, and whether the same engine still answers afterwards. Shared by the
// Node test, the Chromium test and the sandbox benchmark.

/**
 * `{ name, limit, got, code, ms: [...], stillWorks }` per case. With
 * `setTimeGuard` (the package's), the time guard is on only for the cases
 * whose limit is `time`, so each case is stopped by the same limit on every
 * machine, however loaded; without it, the guard stays as it is (on), as
 * a user's page has it.
 */
export function runRunawayHooks(RuleEngine, table, tinyPack, { repeat = 2, setTimeGuard } = {}) {
  const spin = { impact: 'High', urgency: 'Now', service: 'spin' };
  const ok = { impact: 'High', urgency: 'Now' };
  return table.cases.map(({ name, work, limit }) => {
    const hook = `fn adjust_priority(ticket, result) {\n    if ticket.service == "spin" {\n        ${work}\n    }\n    result\n}\n${table.helpers}\n`;
    const engine = RuleEngine.fromSources({ 'p.rhai': tinyPack, 'hook.rhai': hook });
    setTimeGuard?.(limit === 'time');
    const ms = [];
    let got;
    let code;
    let stillWorks = true;
    for (let i = 0; i < repeat; i++) {
      const start = performance.now();
      try {
        engine.priority(spin);
        code = 'none';
      } catch (e) {
        code = e.code;
        got = e.limit;
      }
      ms.push(performance.now() - start);
      stillWorks &&= engine.priority(ok).priority === 'P1';
    }
    engine.free?.();
    setTimeGuard?.(true);
    return { name, limit, got, code, ms, stillWorks };
  });
}
