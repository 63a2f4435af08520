import { Foundation1764201600000 } from './1764201600000-foundation.js';
import { ConnectedAccounts1764201700000 } from './1764201700000-connected-accounts.js';
import { IdempotencyKeys1764201800000 } from './1764201800000-idempotency-keys.js';
import { AuditLog1764202000000 } from './1764202000000-audit-log.js';
import { AuditAppendFewerStatements1764202100000 } from './1764202100000-audit-append-fewer-statements.js';
import { MillisecondCreatedAt1764202200000 } from './1764202200000-millisecond-created-at.js';

/** Every migration, in order. Listed explicitly (no glob) so the same list works in the build and in tests. */
export const MIGRATIONS = [Foundation1764201600000, ConnectedAccounts1764201700000, IdempotencyKeys1764201800000, AuditLog1764202000000,
  AuditAppendFewerStatements1764202100000, MillisecondCreatedAt1764202200000];
