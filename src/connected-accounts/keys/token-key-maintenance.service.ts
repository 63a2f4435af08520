import { Injectable } from '@nestjs/common';
import pg from 'pg';
import { AppException } from '../../common/errors/app-exception.js';
import { EnvelopeCipher } from '../../crypto/envelope-cipher.js';
import { KeyRing } from '../../crypto/key-ring.js';
import { DatabaseServer } from '../../database/database-server.js';
import { sealedTokenOf, type Sealed } from '../sealed-token.columns.js';

export const DEFAULT_REWRAP_BATCH_SIZE = 200;
const FIRST_UUID = '00000000-0000-0000-0000-000000000000';

export interface RewrapProgress {
  /** Rows handled so far (rewrapped or failed). */
  done: number;
  /** Rows not under the primary key when the run started. */
  total: number;
}

export interface RewrapFailure {
  accountId: string;
  tenantId: string;
  keyId: string;
  /** DECRYPTION_FAILED or ENCRYPTION_KEY_UNKNOWN. */
  code: string;
}

export interface RewrapReport {
  primaryKeyId: string;
  rewrapped: number;
  alreadyCurrent: number;
  failed: RewrapFailure[];
}

export interface KeyUsage {
  keyId: string;
  rows: number;
  primary: boolean;
  inKeyRing: boolean;
}

export interface KeyCheckReport {
  primaryKeyId: string;
  keyRingIds: string[];
  usage: KeyUsage[];
  /** Rows whose data key is wrapped by a key other than the primary. */
  rowsNeedingOtherKeys: number;
  /** Ids in the key ring that no row needs: safe to remove. */
  removableKeyIds: string[];
  ok: boolean;
}

export interface RewrapOptions {
  batchSize?: number;
  onProgress?: (progress: RewrapProgress) => void;
}

interface SealedRow {
  id: string;
  tenant_id: string;
  token_version: number;
  token_key_id: string;
  token_iv: Buffer;
  token_tag: Buffer;
  token_wrapped_key: Buffer;
  token_ciphertext: Buffer;
}

/**
 * Key rotation of stored Connect tokens (`npm run keys:rewrap`, `npm run keys:check`).
 *
 * Runs over every tenant's rows, so it connects as DATABASE_URL's user (the owner that runs migrations, not
 * the app role) and refuses to run when that user is subject to row-level security, which would silently
 * hide rows. The app role gets no way past RLS for this: a SECURITY DEFINER function would hand every
 * tenant's sealed tokens to any code running as the app role, for the sake of an operator command.
 *
 * Rewrap only moves data keys (EnvelopeCipher.rewrap unwraps the 32-byte data key and wraps it under the
 * primary); token ciphertexts are carried through untouched and never decrypted, nothing secret is logged.
 * Batches are keyset-paginated by id, each in its own transaction with its rows locked (FOR UPDATE), and only
 * rows not under the primary are selected: an interrupted run resumes where it stopped, and a second run
 * changes nothing. config_version is not bumped: the token, and so every cached client, stays the same.
 */
@Injectable()
export class TokenKeyMaintenance {
  constructor(
    private readonly cipher: EnvelopeCipher,
    private readonly keyRing: KeyRing,
    private readonly server: DatabaseServer,
  ) {}

  async rewrap(options: RewrapOptions = {}): Promise<RewrapReport> {
    const batchSize = options.batchSize ?? DEFAULT_REWRAP_BATCH_SIZE;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError('batchSize must be a positive integer');
    const primaryKeyId = this.keyRing.primary.id;
    return this.withOwnerConnection(async (client) => {
      const [counts] = (
        await client.query<{ current: number; stale: number }>(
          `SELECT count(*) FILTER (WHERE token_key_id = $1)::int AS current, count(*) FILTER (WHERE token_key_id <> $1)::int AS stale
           FROM connected_accounts`,
          [primaryKeyId],
        )
      ).rows;
      const report: RewrapReport = { primaryKeyId, rewrapped: 0, alreadyCurrent: counts.current, failed: [] };
      const progress: RewrapProgress = { done: 0, total: counts.stale };
      options.onProgress?.({ ...progress });
      let after = FIRST_UUID;
      for (;;) {
        const rows = await this.inTransaction(client, async () => {
          const batch = (
            await client.query<SealedRow>(
              `SELECT id, tenant_id, token_version, token_key_id, token_iv, token_tag, token_wrapped_key, token_ciphertext
               FROM connected_accounts WHERE token_key_id <> $1 AND id > $2 ORDER BY id LIMIT $3 FOR UPDATE`,
              [primaryKeyId, after, batchSize],
            )
          ).rows;
          for (const row of batch) {
            let next;
            try {
              next = this.cipher.rewrap(sealedTokenOf(columnsOf(row)));
            } catch (error) {
              if (!(error instanceof AppException)) throw error;
              report.failed.push({ accountId: row.id, tenantId: row.tenant_id, keyId: row.token_key_id, code: error.code });
              continue;
            }
            const updated = await client.query(
              `UPDATE connected_accounts SET token_key_id = $1, token_wrapped_key = $2 WHERE id = $3 AND token_key_id = $4`,
              [next.keyId, next.wrappedKey, row.id, row.token_key_id],
            );
            report.rewrapped += updated.rowCount ?? 0;
          }
          return batch;
        });
        if (rows.length === 0) break;
        after = rows[rows.length - 1].id;
        progress.done += rows.length;
        options.onProgress?.({ done: progress.done, total: Math.max(progress.total, progress.done) });
        if (rows.length < batchSize) break;
      }
      return report;
    });
  }

  /** Which key ids the stored rows need. `ok` when every row is under the primary key. */
  async check(): Promise<KeyCheckReport> {
    const primaryKeyId = this.keyRing.primary.id;
    const keyRingIds = this.keyRing.ids();
    return this.withOwnerConnection(async (client) => {
      const { rows } = await client.query<{ key_id: string; rows: number }>(
        'SELECT token_key_id AS key_id, count(*)::int AS rows FROM connected_accounts GROUP BY token_key_id ORDER BY token_key_id',
      );
      const usage = rows.map((row) => ({ keyId: row.key_id, rows: row.rows, primary: row.key_id === primaryKeyId, inKeyRing: keyRingIds.includes(row.key_id) }));
      const rowsNeedingOtherKeys = usage.filter((u) => !u.primary).reduce((sum, u) => sum + u.rows, 0);
      const used = new Set(usage.map((u) => u.keyId));
      return {
        primaryKeyId,
        keyRingIds,
        usage,
        rowsNeedingOtherKeys,
        removableKeyIds: keyRingIds.filter((id) => id !== primaryKeyId && !used.has(id)),
        ok: rowsNeedingOtherKeys === 0,
      };
    });
  }

  private async withOwnerConnection<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
    const client = new pg.Client({ connectionString: this.server.url, application_name: 'wrk-onepassword keys' });
    // A connection the server drops (a shutdown) fails the query in progress; unheard, its 'error' would crash us.
    client.on('error', () => undefined);
    await client.connect();
    try {
      await assertSeesEveryRow(client);
      return await work(client);
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  private async inTransaction<T>(client: pg.Client, work: () => Promise<T>): Promise<T> {
    await client.query('BEGIN');
    try {
      const result = await work();
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }
}

/** Fails unless this connection bypasses row-level security on connected_accounts (superuser, BYPASSRLS, or owner without FORCE). */
async function assertSeesEveryRow(client: pg.Client): Promise<void> {
  const { rows } = await client.query<{ user: string; table_exists: boolean; sees_all: boolean }>(
    `SELECT current_user AS user, c.oid IS NOT NULL AS table_exists,
            COALESCE(r.rolsuper OR r.rolbypassrls OR (c.relowner = r.oid AND NOT c.relforcerowsecurity), false) AS sees_all
     FROM pg_roles r LEFT JOIN pg_class c ON c.oid = to_regclass('public.connected_accounts')
     WHERE r.rolname = current_user`,
  );
  const row = rows[0];
  if (!row?.table_exists) {
    throw new Error('This database has no connected_accounts table: are migrations applied (npm run migration:run) and is DATABASE_URL the right database?');
  }
  if (!row.sees_all) {
    throw new Error(
      `The database user "${row.user}" is subject to row-level security on connected_accounts and would not see every tenant's rows. ` +
        'Run with DATABASE_URL set to the owner (migration) user.',
    );
  }
}

function columnsOf(row: SealedRow) {
  return {
    tokenVersion: row.token_version as Sealed<1>,
    tokenKeyId: row.token_key_id as Sealed<string>,
    tokenIv: row.token_iv as Sealed<Buffer>,
    tokenTag: row.token_tag as Sealed<Buffer>,
    tokenWrappedKey: row.token_wrapped_key as Sealed<Buffer>,
    tokenCiphertext: row.token_ciphertext as Sealed<Buffer>,
  };
}
