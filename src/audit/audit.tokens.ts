/** Injection token of the AuditStore (PgAuditStore in the app; tests may provide their own). */
export const AUDIT_STORE = Symbol('AUDIT_STORE');
