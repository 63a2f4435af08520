import { AuditActorType, AuditOutcome, AuditRecordType } from './audit.constants.js';

/** Resource ids a record names; route params `accountId`, `vaultId`, `itemId`, `fileId` and `id` fill them. */
export interface AuditResources {
  connectedAccountId?: string | null;
  vaultId?: string | null;
  itemId?: string | null;
  fileId?: string | null;
  /** The main resource of a non-Connect route (route param `id`), e.g. an API key id. */
  resourceId?: string | null;
}

/**
 * One audit record before it joins its chain: every column of `audit_events` except `seq`, `recorded_at`,
 * `prev_hash` and `hash`, which the writer assigns when the record is committed. Keys are column names, so the
 * sealed record is sent to Postgres as is.
 */
export interface AuditDraft {
  id: string;
  tenant_id: string;
  type: AuditRecordType;
  request_id: string;
  /** On a response record: the id of its request record. */
  request_event_id: string | null;
  action: string;
  read_only: boolean;
  outcome: AuditOutcome | null;
  http_status: number | null;
  error_code: string | null;
  actor_type: AuditActorType;
  actor_key_id: string | null;
  actor_name: string | null;
  actor_role: string | null;
  connected_account_id: string | null;
  vault_id: string | null;
  item_id: string | null;
  file_id: string | null;
  resource_id: string | null;
  method: string;
  path: string;
  client_ip: string | null;
  user_agent: string | null;
  duration_us: number | null;
  details: Record<string, unknown> | null;
  event_version: string;
}

/** A draft sealed into its chain: what `audit_append` inserts (bytea columns as `\x` hex). */
export interface SealedAuditRow extends AuditDraft {
  seq: number;
  recorded_at: string;
  prev_hash: string;
  hash: string;
}
