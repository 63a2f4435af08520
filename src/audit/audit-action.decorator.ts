import { SetMetadata } from '@nestjs/common';
import type { AuditResources } from './audit-record.js';

export const AUDIT_ACTION_KEY = 'wrk:audit-action';

/** What a summariser sees of a request (before validation: treat every property as untrusted). */
export interface AuditRequestView {
  params: Record<string, string | undefined>;
  query: Record<string, unknown>;
  body: unknown;
}

/**
 * Turns a request into a small, secret-free summary (the record's `details`). Never copy a value a user typed
 * into a secret field, a token or file bytes; name what was touched instead (field ids, labels, types, counts).
 * See audit-summaries.ts for ready-made ones.
 */
export type AuditSummarizer = (request: AuditRequestView) => Record<string, unknown> | undefined;

export interface AuditActionOptions {
  /** Whether the action only reads. Default: true for GET and HEAD routes, false otherwise. */
  readOnly?: boolean;
  /**
   * The action calls a Connect Server. Its request record is committed before any Connect call; if it cannot
   * be, the request is refused with 503 AUDIT_UNAVAILABLE and Connect never hears of it. A read-only action's
   * handler starts while the record commits: it must get its clients from ConnectClientRegistry.forPrincipal,
   * whose calls wait for the commit (the answer waits for it too). Any other action's handler runs only once
   * the record is committed.
   */
  reachesConnect?: boolean;
  /**
   * Commit the request record before any Connect call and before the answer (503 AUDIT_UNAVAILABLE otherwise); a
   * write's or an export's handler then runs only after the commit. Default: true when
   * `reachesConnect` or when the action is not read-only; set it on sensitive reads such as exports.
   */
  failClosed?: boolean;
  /** Secret-free summary stored with the request record. */
  summary?: AuditSummarizer;
  /** Resource ids not in the route params (e.g. a connected account named in the body). */
  resources?: (request: AuditRequestView) => AuditResources | undefined;
}

export interface AuditActionMetadata extends AuditActionOptions {
  action: string;
}

/** `area.verb`, lower case, e.g. `items.get`, `connected-accounts.verify`, `audit-events.export`. */
const ACTION_KEY = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/;

/**
 * Names the audited action of a route: `@AuditAction('items.get', { readOnly: true, reachesConnect: true })`.
 * Every route under /v1 needs one (the route-walk test fails otherwise).
 */
export function AuditAction(action: string, options: AuditActionOptions = {}): MethodDecorator {
  if (!ACTION_KEY.test(action)) throw new Error(`@AuditAction: "${action}" is not an action key like "items.get"`);
  return SetMetadata<string, AuditActionMetadata>(AUDIT_ACTION_KEY, { action, ...options });
}
