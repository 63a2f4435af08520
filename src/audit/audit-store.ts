import pg from 'pg';

/** The last record of a chain, as the writer knows it. `time` is the epoch ms of its `recorded_at` (0: none). */
export interface ChainHead {
  seq: number;
  hash: Buffer;
  time: number;
}

/** What a batch expects of a chain's head (`s`/`h`, null when never seen) and leaves it at (`ns`/`nh`/`nr`). */
export interface HeadClaim {
  t: string;
  s: number | null;
  h: string | null;
  ns: number;
  nh: string;
  nr: string;
}

export interface SealedBatch {
  claims: HeadClaim[];
  /**
   * JSON array of the sealed records, keyed by column name (`prev_hash`/`hash` as `\\x<hex>`), in UTF-8. Bytes, not
   * a string: the string built record by record is a rope, which node-pg flattened into one more string that lived
   * until the commit, and under load V8 promoted it (old-generation growth a get item request at c=32, bench: 2.2 →
   * 1.9 KB, 4.6 → 2.7 KB in a fresh process's first seconds).
   */
  rowsJson: Buffer;
  count: number;
}

/** Where sealed batches go. Returns null when appended, else the chains' actual heads (nothing appended). */
export interface AuditStore {
  append(batch: SealedBatch): Promise<Map<string, ChainHead> | null>;
  /** Locks the heads of `tenants`, seals against them and appends, in one transaction. */
  appendLocked(tenants: string[], seal: (heads: Map<string, ChainHead>) => SealedBatch): Promise<void>;
  /** Which of these record ids are already stored (a retry after a commit whose result was lost). */
  existingIds(ids: string[]): Promise<Set<string>>;
  close(): Promise<void>;
}

interface HeadJson {
  t: string;
  s: number | string;
  h: string;
  r: string | null;
}

function headsFrom(json: HeadJson[]): Map<string, ChainHead> {
  const heads = new Map<string, ChainHead>();
  for (const h of json) heads.set(h.t, { seq: Number(h.s), hash: Buffer.from(h.h, 'hex'), time: h.r ? Date.parse(h.r) : 0 });
  return heads;
}

/** Named: each connection parses and plans it once, not on every batch. A Buffer goes in binary format: for json, its text. */
const appendQuery = (batch: SealedBatch) => ({ name: 'audit-append', text: 'SELECT audit_append($1::jsonb, $2::json) AS conflict', values: [JSON.stringify(batch.claims), batch.rowsJson] });

/**
 * The Postgres store: its own small pool of app-role connections (so audit writes never queue behind the
 * service's other queries), with a statement timeout so a blocked audit table fails writes instead of
 * hanging them. One round trip per batch in the common case.
 */
export class PgAuditStore implements AuditStore {
  constructor(private readonly pool: pg.Pool) {}

  static create(settings: { url: string; appRole: string; timeoutMs: number; size: number; onError: (error: Error) => void }): PgAuditStore {
    const pool = new pg.Pool({
      connectionString: settings.url,
      max: settings.size,
      options: `-c role=${settings.appRole} -c statement_timeout=${settings.timeoutMs} -c lock_timeout=${settings.timeoutMs}`,
      // Client-side bound for a connection that stops answering; the server-side timeout fires first.
      query_timeout: settings.timeoutMs + 1000,
      connectionTimeoutMillis: settings.timeoutMs,
      application_name: 'wrk-onepassword-audit',
    });
    pool.on('error', settings.onError);
    return new PgAuditStore(pool);
  }

  async append(batch: SealedBatch): Promise<Map<string, ChainHead> | null> {
    const result = await this.pool.query(appendQuery(batch));
    const conflict = result.rows[0]?.conflict as HeadJson[] | null;
    return conflict ? headsFrom(conflict) : null;
  }

  async appendLocked(tenants: string[], seal: (heads: Map<string, ChainHead>) => SealedBatch): Promise<void> {
    const client = await this.pool.connect();
    let failed: Error | undefined;
    try {
      await client.query('BEGIN');
      const locked = await client.query('SELECT tenant_id AS t, last_seq AS s, encode(last_hash, \'hex\') AS h, last_recorded_at AS r FROM audit_lock_heads($1::uuid[])', [
        [...tenants].sort(),
      ]);
      const heads = headsFrom(locked.rows.map((r) => ({ ...r, r: r.r ? (r.r as Date).toISOString() : null })));
      for (const [tenant, head] of heads) if (head.seq === 0) heads.delete(tenant);
      const batch = seal(heads);
      const result = await client.query(appendQuery(batch));
      if (result.rows[0]?.conflict) throw new Error('audit chain heads changed while locked');
      await client.query('COMMIT');
    } catch (error) {
      failed = error as Error;
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release(failed);
    }
  }

  async existingIds(ids: string[]): Promise<Set<string>> {
    const result = await this.pool.query('SELECT audit_existing_ids($1::uuid[]) AS id', [ids]);
    return new Set(result.rows.map((r) => r.id as string));
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
