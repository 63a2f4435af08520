import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { AuditDraft } from '../../src/audit/audit-record.js';
import type { AuditWriter } from '../../src/audit/audit-writer.js';
import type { LoadResult } from './load.js';

/** A request record shaped like the service's for "get item details" (every column the recorder fills). */
function draft(tenantId: string, keyId: string): AuditDraft {
  return {
    id: randomUUID(),
    tenant_id: tenantId,
    type: 'request',
    request_id: randomUUID(),
    request_event_id: null,
    action: 'items.get',
    read_only: true,
    outcome: null,
    http_status: null,
    error_code: null,
    actor_type: 'api-key',
    actor_key_id: keyId,
    actor_name: 'bench operator',
    actor_role: 'operator',
    connected_account_id: randomUUID(),
    vault_id: 'benchfiles000000000000000a',
    item_id: 'benchrichitem000000000000a',
    file_id: null,
    resource_id: null,
    method: 'GET',
    path: '/v1/connected-accounts/{accountId}/vaults/{vaultId}/items/{itemId}',
    client_ip: '127.0.0.1',
    user_agent: 'bench',
    duration_us: null,
    details: null,
    event_version: '1',
  };
}

/**
 * `concurrency` callers each committing one record after another (awaiting each commit, as a request awaits
 * its request record) for `durationMs`, into one tenant's chain: the audit log's own ceiling, without HTTP.
 */
export async function auditWriterLoad(writer: AuditWriter, concurrency: number, durationMs: number): Promise<LoadResult> {
  const tenantId = randomUUID();
  const keyId = randomUUID();
  const times: number[] = [];
  let errors = 0;
  const started = performance.now();
  const caller = async () => {
    while (performance.now() - started < durationMs) {
      const t0 = performance.now();
      try {
        await writer.commit(draft(tenantId, keyId));
        times.push(performance.now() - t0);
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, caller));
  const durationS = (performance.now() - started) / 1000;
  times.sort((a, b) => a - b);
  const at = (p: number) => Math.round((times[Math.min(times.length - 1, Math.floor((times.length * p) / 100))] ?? 0) * 1000) / 1000;
  return { requests: times.length, durationS, rps: times.length / durationS, p50: at(50), p99: at(99), non2xx: 0, errors, statusCodes: {} };
}
