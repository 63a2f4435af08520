/** The chain of records that belong to no tenant: unauthenticated requests, platform-key calls, maintenance. */
export const PLATFORM_CHAIN_ID = '00000000-0000-0000-0000-000000000000';

/** `event_version` of every record (CloudTrail-style: a new field bumps the minor, a changed field the major). */
export const AUDIT_EVENT_VERSION = '1.0';

/** The `prev_hash` of a chain's first record. */
export const GENESIS_HASH: Buffer = Buffer.alloc(32);

/** Requests under this prefix are audited, every one of them. */
export const AUDITED_PREFIX = '/v1';

/**
 * The explicit list of routes that are not audited (Vault's unaudited paths): liveness/readiness probes,
 * the API documentation (docs, docs-json, docs-yaml) and metrics. Everything else registered on the server must carry @AuditAction and
 * live under /v1 (test/audit/audit-routes.e2e-spec.ts walks the router to enforce it).
 */
export const UNAUDITED_ROUTES: readonly RegExp[] = [/^\/health(\/|$)/, /^\/docs(\/|-json$|-yaml$|$)/, /^\/metrics(\/|$)/];

/** Action of a request under /v1 that matched no route (404 ROUTE_NOT_FOUND). */
export const UNKNOWN_ROUTE_ACTION = 'route.unknown';
/** Action of a /v1 route that was registered without @AuditAction (a bug the route-walk test catches). */
export const UNMAPPED_ROUTE_ACTION = 'route.unmapped';

export const AUDIT_OUTCOMES = ['success', 'denied', 'invalid', 'error'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];
/** What reviewers see: an outcome record's outcome, or `unknown` for a request record that has none. */
export const REVIEW_OUTCOMES = [...AUDIT_OUTCOMES, 'unknown'] as const;
export type ReviewOutcome = (typeof REVIEW_OUTCOMES)[number];

export type AuditRecordType = 'request' | 'response';
export type AuditActorType = 'api-key' | 'platform' | 'anonymous' | 'system';

/** Error code of an outcome record whose client went away before the answer was complete. */
export const CLIENT_CLOSED_REQUEST = 'CLIENT_CLOSED_REQUEST';
export const CLIENT_CLOSED_STATUS = 499;
