import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AUDIT_EVENT_VERSION, AuditOutcome, PLATFORM_CHAIN_ID } from './audit.constants.js';
import type { AuditDraft, AuditResources } from './audit-record.js';
import { cleanText, sanitizeDetails } from './audit-sanitize.util.js';
import { AuditWriter } from './audit-writer.js';

export interface SystemAuditEvent {
  /** The tenant whose chain records it; omitted: the platform chain. */
  tenantId?: string;
  /** An action key, e.g. `keys.rewrap`, `audit.retention`. */
  action: string;
  outcome: AuditOutcome;
  /** Who acted, e.g. `keys:rewrap CLI`. */
  actorName: string;
  readOnly?: boolean;
  errorCode?: string;
  resources?: AuditResources;
  /** Secret-free summary (sanitised like request summaries). */
  details?: Record<string, unknown>;
}

/** How system work ended: the outcome record of a `begin`. */
export interface SystemAuditResult {
  outcome: AuditOutcome;
  errorCode?: string;
  /** Secret-free results (counts, ids), sanitised like request summaries; stored with the outcome record. */
  details?: Record<string, unknown>;
}

export type SystemAuditStart = Omit<SystemAuditEvent, 'outcome' | 'errorCode'>;

/** Commits the outcome record of a begun event; rejects with AuditUnavailableError if it cannot. */
export type FinishSystemAudit = (result: SystemAuditResult) => Promise<void>;

/**
 * Audit records for work that is not an HTTP request (key rewraps, retention runs, jobs): the same
 * request/outcome pair, actor type `system`. Rejects with AuditUnavailableError if the audit log cannot be
 * written.
 */
@Injectable()
export class AuditLog {
  constructor(private readonly writer: AuditWriter) {}

  /** Both records at once, committed before this resolves (work already done). */
  async recordSystemEvent(event: SystemAuditEvent): Promise<void> {
    const finish = await this.begin(event);
    await finish({ outcome: event.outcome, errorCode: event.errorCode });
  }

  /**
   * Commits the request record now, before the work, and returns the function that commits its outcome: work
   * that dies in between leaves the request record alone, shown as `unknown`.
   */
  async begin(event: SystemAuditStart): Promise<FinishSystemAudit> {
    const request: AuditDraft = {
      id: randomUUID(),
      tenant_id: event.tenantId ?? PLATFORM_CHAIN_ID,
      type: 'request',
      request_id: `system-${randomUUID()}`,
      request_event_id: null,
      action: event.action,
      read_only: event.readOnly ?? false,
      outcome: null,
      http_status: null,
      error_code: null,
      actor_type: 'system',
      actor_key_id: null,
      actor_name: cleanText(event.actorName, 200),
      actor_role: null,
      connected_account_id: cleanText(event.resources?.connectedAccountId, 200),
      vault_id: cleanText(event.resources?.vaultId, 200),
      item_id: cleanText(event.resources?.itemId, 200),
      file_id: cleanText(event.resources?.fileId, 200),
      resource_id: cleanText(event.resources?.resourceId, 200),
      method: 'SYSTEM',
      path: cleanText(event.action, 200) ?? '',
      client_ip: null,
      user_agent: null,
      duration_us: null,
      details: detailsOf(event.details),
      event_version: AUDIT_EVENT_VERSION,
    };
    await this.writer.commit(request);
    return (result) =>
      this.writer.commit({
        ...request,
        id: randomUUID(),
        type: 'response',
        request_event_id: request.id,
        outcome: result.outcome,
        error_code: cleanText(result.errorCode, 100),
        details: detailsOf(result.details),
      });
  }
}

const detailsOf = (details: Record<string, unknown> | undefined): Record<string, unknown> | null =>
  details ? (sanitizeDetails(details) as Record<string, unknown>) : null;
