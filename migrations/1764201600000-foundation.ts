import { MigrationInterface, QueryRunner } from 'typeorm';
import { forAppRole } from '../src/database/migration-sql.util.js';

/** App role, tenants, API keys, row-level security and the SECURITY DEFINER key lookup. */
export class Foundation1764201600000 implements MigrationInterface {
  name = 'Foundation1764201600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      DO $$ DECLARE r text := current_setting('wrk.app_role'); BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
          EXECUTE format('CREATE ROLE %I NOLOGIN NOSUPERUSER NOBYPASSRLS', r);
        END IF;
        IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
          EXECUTE format('GRANT %I TO %I', r, current_user);
        END IF;
      END $$`);
    await q.query(forAppRole('GRANT USAGE ON SCHEMA public TO %1$I'));
    await q.query(forAppRole('GRANT SELECT ON schema_migrations TO %1$I'));

    await q.query(`
      CREATE FUNCTION current_tenant_id() RETURNS uuid LANGUAGE sql STABLE
      AS $$ SELECT NULLIF(current_setting('app.tenant_id', true), '')::uuid $$`);

    await q.query(`
      CREATE TABLE tenants (
        id uuid PRIMARY KEY,
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE api_keys (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        role text NOT NULL CHECK (role IN ('admin', 'operator', 'auditor')),
        prefix text NOT NULL UNIQUE,
        key_hash bytea NOT NULL,
        created_by_key_id uuid,
        last_used_at timestamptz,
        revoked_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX api_keys_tenant_created_idx ON api_keys (tenant_id, created_at DESC, id DESC)`);

    for (const table of ['tenants', 'api_keys']) {
      const column = table === 'tenants' ? 'id' : 'tenant_id';
      await q.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
      await q.query(`CREATE POLICY tenant_isolation ON ${table}
        USING (${column} = current_tenant_id()) WITH CHECK (${column} = current_tenant_id())`);
    }
    await q.query(forAppRole('GRANT SELECT, INSERT, UPDATE ON tenants TO %1$I'));
    await q.query(forAppRole('GRANT SELECT, INSERT, UPDATE ON api_keys TO %1$I'));

    // Authentication finds a key before any tenant is known, so it needs one narrow way past RLS.
    await q.query(`
      CREATE FUNCTION find_api_key_by_prefix(p_prefix text)
      RETURNS TABLE (id uuid, tenant_id uuid, name text, role text, key_hash bytea, revoked_at timestamptz)
      LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
      AS $$ SELECT id, tenant_id, name, role, key_hash, revoked_at FROM api_keys WHERE prefix = p_prefix $$`);
    await q.query(`
      CREATE FUNCTION touch_api_key(p_id uuid) RETURNS void
      LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp
      AS $$ UPDATE api_keys SET last_used_at = now() WHERE id = p_id $$`);
    await q.query(`
      CREATE FUNCTION any_tenant_exists() RETURNS boolean
      LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
      AS $$ SELECT EXISTS (SELECT 1 FROM tenants) $$`);
    for (const fn of ['find_api_key_by_prefix(text)', 'touch_api_key(uuid)', 'any_tenant_exists()']) {
      await q.query(`REVOKE ALL ON FUNCTION ${fn} FROM PUBLIC`);
      await q.query(forAppRole(`GRANT EXECUTE ON FUNCTION ${fn} TO %1$I`));
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP FUNCTION any_tenant_exists()');
    await q.query('DROP FUNCTION touch_api_key(uuid)');
    await q.query('DROP FUNCTION find_api_key_by_prefix(text)');
    await q.query('DROP TABLE api_keys');
    await q.query('DROP TABLE tenants');
    await q.query('DROP FUNCTION current_tenant_id()');
  }
}
