import { Injectable } from '@nestjs/common';
import { TenantTransaction } from '../database/tenant-transaction.js';
import { chainHash, GENESIS_HASH, HashedValues } from './audit-chain.js';
import type { StoredRecord } from './audit-events.service.js';
import { AuditVerifyResultDto } from './dto/audit-event.dto.js';

const BATCH = 2000;

/** The hashed form of a stored row: exactly what the writer hashed when it sealed the record. */
export function hashedValuesOf(record: StoredRecord): HashedValues {
  return { ...record, seq: Number(record.seq), recorded_at: record.recorded_at.toISOString() } as unknown as HashedValues;
}

/**
 * Checks a range of a tenant's chain: seq gap-free and in order, each record's prev_hash equal to the
 * previous record's hash, each hash equal to SHA-256(prev_hash || canonical record); at the end of the chain,
 * the last record equal to the chain head (so dropping the newest records is caught too). Reads in keyset
 * batches; reports the first broken link.
 */
@Injectable()
export class AuditVerifier {
  constructor(private readonly tenantTransaction: TenantTransaction) {}

  async verify(tenantId: string, fromSeq?: number, toSeq?: number): Promise<AuditVerifyResultDto> {
    const { head, checkpoint } = await this.tenantTransaction.run(tenantId, async (m) => {
      const [h] = await m.query('SELECT last_seq, last_hash FROM audit_chain_heads WHERE tenant_id = $1', [tenantId]);
      const [c] = await m.query('SELECT seq, hash FROM audit_checkpoints WHERE tenant_id = $1 ORDER BY seq DESC LIMIT 1', [tenantId]);
      return { head: h as { last_seq: string; last_hash: Buffer } | undefined, checkpoint: c as { seq: string; hash: Buffer } | undefined };
    });
    const headSeq = head ? Number(head.last_seq) : 0;
    const checkpointSeq = checkpoint ? Number(checkpoint.seq) : null;
    const from = Math.max(fromSeq ?? 1, (checkpointSeq ?? 0) + 1);
    const to = Math.min(toSeq ?? headSeq, headSeq);
    const result: AuditVerifyResultDto = { valid: true, checked: 0, fromSeq: from, toSeq: to, headSeq, checkpointSeq };
    if (from > to) return { ...result, fromSeq: null, toSeq: null };
    const broken = (seq: number, reason: string): AuditVerifyResultDto => ({ ...result, valid: false, firstBrokenSeq: seq, reason });

    let prevHash: Buffer;
    if (from === 1) prevHash = GENESIS_HASH;
    else if (checkpoint && from === checkpointSeq! + 1) prevHash = checkpoint.hash;
    else {
      const [before]: StoredRecord[] = await this.tenantTransaction.run(tenantId, (m) =>
        m.query('SELECT hash FROM audit_events WHERE tenant_id = $1 AND seq = $2 ORDER BY id LIMIT 1', [tenantId, from - 1]),
      );
      if (!before) return broken(from - 1, 'record missing');
      prevHash = before.hash;
    }

    // Windows of seq, each a bounded index range scan (a gap only shows as a missing seq).
    let expected = from;
    for (let low = from - 1; low < to; low += BATCH) {
      const high = Math.min(low + BATCH, to);
      const rows: StoredRecord[] = await this.tenantTransaction.run(tenantId, (m) =>
        // The writer stores whole milliseconds, and that is what it hashed; JavaScript's Date would drop any
        // microseconds an editor added, so Postgres tells whether there are any.
        m.query(
          "SELECT *, recorded_at <> date_trunc('milliseconds', recorded_at) AS sub_millisecond FROM audit_events WHERE tenant_id = $1 AND seq > $2 AND seq <= $3 ORDER BY seq, id",
          [tenantId, low, high],
        ),
      );
      for (const row of rows) {
        const seq = Number(row.seq);
        if (seq > expected) return broken(expected, 'record missing');
        if (seq < expected) return broken(seq, 'duplicate or out-of-order seq');
        if (!row.prev_hash.equals(prevHash)) return broken(seq, "prev_hash does not match the previous record's hash");
        if ((row as StoredRecord & { sub_millisecond: boolean }).sub_millisecond || !chainHash(prevHash, hashedValuesOf(row)).equals(row.hash)) {
          return broken(seq, 'record content does not match its hash');
        }
        prevHash = row.hash;
        expected++;
        result.checked++;
      }
    }
    if (expected <= to) return broken(expected, 'record missing');
    if (to === headSeq && head && !head.last_hash.equals(prevHash)) return broken(to, 'the chain head does not match the last record');
    return result;
  }
}
