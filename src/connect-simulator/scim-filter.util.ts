import { ConnectError } from './connect-error.js';

export interface ScimFilter {
  attribute: string;
  operator: 'eq' | 'co';
  value: string;
}

/**
 * Parses the single-expression SCIM filters Connect supports, each list its own (`allowed`: `title eq`,
 * `title co`, `tag eq` for items; `name eq` for vaults). The value runs to the last quote because the JS SDK does
 * not escape quotes in titles. A value containing `'` is rejected with 400, as Connect does since 1.5.2.
 */
export function parseScimFilter(expression: string, allowed: readonly `${string} ${ScimFilter['operator']}`[]): ScimFilter {
  const match = /^\s*([A-Za-z]+)\s+(eq|co)\s+"(.*)"\s*$/s.exec(expression);
  if (!match || !allowed.includes(`${match[1]} ${match[2] as ScimFilter['operator']}`)) {
    throw ConnectError.badRequest(`Invalid filter: expected one of ${allowed.map((form) => `${form} "value"`).join(', ')}`);
  }
  if (match[3].includes("'")) throw ConnectError.badRequest("Invalid filter: the value must not contain '");
  return { attribute: match[1], operator: match[2] as ScimFilter['operator'], value: match[3] };
}

/** Exact, case-sensitive comparison [inferred: connect-api.md §5 leaves case sensitivity undocumented]. */
export function matchesFilter(filter: ScimFilter, candidates: readonly string[]): boolean {
  return filter.operator === 'eq'
    ? candidates.includes(filter.value)
    : candidates.some((candidate) => candidate.includes(filter.value));
}
