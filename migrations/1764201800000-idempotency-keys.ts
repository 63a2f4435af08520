import { MigrationInterface, QueryRunner } from 'typeorm';
import { forAppRole } from '../src/database/migration-sql.util.js';

/**
 * Idempotency keys of item creates. A row holds what identifies the request (an HMAC of it, never the body)
 * and, once done, the created item's ids: a replay re-reads the item from Connect, so no field value is ever
 * stored here. Rows expire after 24 hours. Row-level security like api_keys.
 */
export class IdempotencyKeys1764201800000 implements MigrationInterface {
  name = 'IdempotencyKeys1764201800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE idempotency_keys (
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        idempotency_key text NOT NULL CHECK (idempotency_key ~ '^[\\x21-\\x7e]{1,255}$'),
        account_id uuid NOT NULL REFERENCES connected_accounts(id) ON DELETE CASCADE,
        request_hash bytea NOT NULL CHECK (length(request_hash) = 32),
        hash_key_id text NOT NULL CHECK (hash_key_id ~ '^[A-Za-z0-9_-]{1,32}$'),
        state text NOT NULL CHECK (state IN ('in_progress', 'completed', 'unknown')),
        vault_id text CHECK (vault_id ~ '^[a-z0-9]{26}$'),
        item_id text CHECK (item_id ~ '^[a-z0-9]{26}$'),
        item_version integer,
        lease_expires_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, idempotency_key),
        CHECK (state <> 'completed' OR (vault_id IS NOT NULL AND item_id IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX idempotency_keys_tenant_expires_idx ON idempotency_keys (tenant_id, expires_at)`);
    await q.query(`CREATE INDEX idempotency_keys_account_idx ON idempotency_keys (account_id)`);
    await q.query(`ALTER TABLE idempotency_keys ENABLE ROW LEVEL SECURITY`);
    await q.query(`CREATE POLICY tenant_isolation ON idempotency_keys
      USING (tenant_id = current_tenant_id()) WITH CHECK (tenant_id = current_tenant_id())`);
    await q.query(forAppRole('GRANT SELECT, INSERT, UPDATE, DELETE ON idempotency_keys TO %1$I'));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE idempotency_keys');
  }
}
