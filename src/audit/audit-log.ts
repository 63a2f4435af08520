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

/**
 * Audit records for work that is not an HTTP request (key rewraps, retention runs, jobs): the same
 * request/outcome pair, actor type `system`, both committed before this resolves. Rejects with
 * AuditUnavailableError if the audit log cannot be written.
 */
@Injectable()
export class AuditLog {
  constructor(private readonly writer: AuditWriter) {}

  async recordSystemEvent(event: SystemAuditEvent): Promise<void> {
    const requestId = `system-${randomUUID()}`;
    const request: AuditDraft = {
      id: randomUUID(),
      tenant_id: event.tenantId ?? PLATFORM_CHAIN_ID,
      type: 'request',
      request_id: requestId,
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
      details: event.details ? (sanitizeDetails(event.details) as Record<string, unknown>) : null,
      event_version: AUDIT_EVENT_VERSION,
    };
    const response: AuditDraft = {
      ...request,
      id: randomUUID(),
      type: 'response',
      request_event_id: request.id,
      outcome: event.outcome,
      error_code: cleanText(event.errorCode, 100),
      details: null,
    };
    await this.writer.commit(request);
    await this.writer.commit(response);
  }
}
