import { MigrationInterface, QueryRunner } from 'typeorm';
import { forAppRole } from '../src/database/migration-sql.util.js';

/**
 * Connected accounts: a Connect Server URL and its token, the token stored only as an envelope-encrypted
 * SealedSecret (src/crypto). Row-level security like api_keys. No SECURITY DEFINER function: nothing in the
 * app needs to see another tenant's accounts; the key-rotation CLI reads every tenant's rows through the
 * owner connection (DATABASE_URL's user), not the app role.
 */
export class ConnectedAccounts1764201700000 implements MigrationInterface {
  name = 'ConnectedAccounts1764201700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE connected_accounts (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        connect_server_url text NOT NULL CHECK (length(connect_server_url) BETWEEN 1 AND 2048),
        token_version smallint NOT NULL CHECK (token_version = 1),
        token_key_id text NOT NULL CHECK (token_key_id ~ '^[A-Za-z0-9_-]{1,32}$'),
        token_iv bytea NOT NULL CHECK (length(token_iv) = 12),
        token_tag bytea NOT NULL CHECK (length(token_tag) = 16),
        token_wrapped_key bytea NOT NULL CHECK (length(token_wrapped_key) = 60),
        token_ciphertext bytea NOT NULL CHECK (length(token_ciphertext) BETWEEN 1 AND 16384),
        token_last4 text NOT NULL CHECK (length(token_last4) <= 8),
        token_sha256_prefix text NOT NULL CHECK (token_sha256_prefix ~ '^[0-9a-f]{12}$'),
        status text NOT NULL CHECK (status IN ('verified', 'unverified', 'failing')),
        last_verified_at timestamptz,
        last_verification_error_code text,
        server_version text,
        token_vaults jsonb,
        config_version integer NOT NULL DEFAULT 1 CHECK (config_version >= 1),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT connected_accounts_tenant_name_key UNIQUE (tenant_id, name)
      )`);
    await q.query(`CREATE INDEX connected_accounts_tenant_created_idx ON connected_accounts (tenant_id, created_at DESC, id DESC)`);
    // keys:check groups by key id and keys:rewrap scans the rows not under the primary key.
    await q.query(`CREATE INDEX connected_accounts_token_key_id_idx ON connected_accounts (token_key_id, id)`);

    await q.query(`ALTER TABLE connected_accounts ENABLE ROW LEVEL SECURITY`);
    await q.query(`CREATE POLICY tenant_isolation ON connected_accounts
      USING (tenant_id = current_tenant_id()) WITH CHECK (tenant_id = current_tenant_id())`);
    await q.query(forAppRole('GRANT SELECT, INSERT, UPDATE, DELETE ON connected_accounts TO %1$I'));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE connected_accounts');
  }
}
