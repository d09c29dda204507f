import type { Tx } from '../../core/journal/journal.ts';
import type { MappingRuleRow } from './tables.ts';
import { activeRules, cisByCircuit, cisById, cisByReference, cisBySite, type MappedCi } from './queries.ts';

/** The value a rule looks up: the label's value, or the pattern's first group in it. */
export function ruleValue(rule: Pick<MappingRuleRow, 'label' | 'pattern'>, labels: Record<string, string>): string | null {
  const raw = labels[rule.label];
  if (raw === undefined || raw === '') return null;
  if (!rule.pattern) return raw;
  const match = new RegExp(rule.pattern).exec(raw);
  return match ? (match[1] ?? match[0]) || null : null;
}

export interface Mapping {
  ci: MappedCi;
  /** The label that named it. */
  by: string;
}

/**
 * Maps each alert's labels to a CI with the active rules, in order: for each rule, one query
 * for all the alerts still unmapped that carry its label. An alert no rule maps stays unmapped
 * (the console lists it; it opens no incident).
 */
export async function mapAlerts(tx: Tx, alerts: ReadonlyArray<{ labels: Record<string, string> }>): Promise<Array<Mapping | null>> {
  const result: Array<Mapping | null> = alerts.map(() => null);
  if (alerts.length === 0) return result;
  for (const rule of await activeRules(tx)) {
    const wanted = new Map<number, string>();
    alerts.forEach((a, i) => {
      if (result[i]) return;
      const value = ruleValue(rule, a.labels);
      if (value !== null) wanted.set(i, value);
    });
    if (wanted.size === 0) continue;
    const values = [...new Set(wanted.values())];
    let found: Map<string, MappedCi>;
    switch (rule.lookup) {
      case 'ci':
        found = await cisByReference(tx, values, rule.ci_kind);
        break;
      case 'ci_id': {
        const ids = values.filter((v) => /^[1-9][0-9]{0,15}$/.test(v)).map(Number);
        const byId = await cisById(tx, ids);
        found = new Map([...byId].map(([id, ci]) => [String(id), ci]));
        break;
      }
      case 'circuit':
        found = await cisByCircuit(tx, values);
        break;
      case 'site':
        found = new Map([...(await cisBySite(tx, values))].map(([code, ci]) => [code, ci]));
        for (const v of values) if (!found.has(v) && found.has(v.toUpperCase())) found.set(v, found.get(v.toUpperCase())!);
        break;
    }
    for (const [i, value] of wanted) {
      const ci = found.get(value);
      if (ci) result[i] = { ci, by: rule.label };
    }
  }
  return result;
}
