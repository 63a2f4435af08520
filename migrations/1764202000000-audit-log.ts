import { MigrationInterface, QueryRunner } from 'typeorm';
import { forAppRole } from '../src/database/migration-sql.util.js';

/**
 * The audit log (src/audit): append-only, hash-chained per tenant, partitioned by month.
 *
 * - `audit_events` holds two records per request (type `request`, then `response`), partitioned by
 *   `recorded_at` into monthly partitions `audit_events_yYYYYmMM` plus a DEFAULT safety net.
 *   UPDATE, DELETE and TRUNCATE are refused by triggers; the app role gets SELECT only (row-level security by
 *   tenant) and writes exclusively through the SECURITY DEFINER `audit_append`.
 * - `audit_chain_heads` is one row per chain (tenant, or the nil uuid for the platform chain): the last seq
 *   and hash. `audit_append` locks the heads of a batch FOR UPDATE (in tenant order, so no deadlock) and only
 *   inserts when the caller's expected heads match, which serialises each chain across every instance.
 * - `audit_checkpoints` keeps, per tenant, the seq and hash of the last record a retention run dropped, so the
 *   rest of the chain still verifies.
 * - Partition upkeep and retention (`audit_ensure_partition(s)`, `audit_apply_retention`) need the owner: the
 *   app role cannot execute them. The service creates partitions two months ahead (AuditMaintenance); records
 *   that still fall outside every monthly partition land in the DEFAULT one, which retention never drops (and
 *   whose month then gets no partition of its own: a WARNING says so).
 * - `recorded_at` never decreases along a chain (the writer clamps it), so dropping whole old months drops a
 *   prefix of each chain, and the checkpoint is the predecessor of the first record kept.
 */
export class AuditLog1764202000000 implements MigrationInterface {
  name = 'AuditLog1764202000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_events (
        id uuid NOT NULL,
        tenant_id uuid NOT NULL,
        seq bigint NOT NULL CHECK (seq >= 1),
        recorded_at timestamptz NOT NULL,
        type text NOT NULL CHECK (type IN ('request', 'response')),
        request_id text NOT NULL,
        request_event_id uuid,
        action text NOT NULL,
        read_only boolean NOT NULL,
        outcome text,
        http_status smallint,
        error_code text,
        actor_type text NOT NULL,
        actor_key_id uuid,
        actor_name text,
        actor_role text,
        connected_account_id text,
        vault_id text,
        item_id text,
        file_id text,
        resource_id text,
        method text NOT NULL,
        path text NOT NULL,
        client_ip text,
        user_agent text,
        duration_us integer,
        details jsonb,
        event_version text NOT NULL,
        prev_hash bytea NOT NULL CHECK (length(prev_hash) = 32),
        hash bytea NOT NULL CHECK (length(hash) = 32),
        CONSTRAINT audit_events_pkey PRIMARY KEY (id, recorded_at)
      ) PARTITION BY RANGE (recorded_at)`);
    await q.query(`CREATE TABLE audit_events_default PARTITION OF audit_events DEFAULT`);

    // Reviewer filters: newest first within a tenant. List queries are driven by request records (or by
    // response records when filtering on outcome), so most indexes are partial on the record type.
    const order = 'recorded_at DESC, seq DESC';
    await q.query(`CREATE INDEX audit_events_chain_idx ON audit_events (tenant_id, seq, id)`);
    await q.query(`CREATE INDEX audit_events_time_idx ON audit_events (tenant_id, ${order}) WHERE type = 'request'`);
    await q.query(`CREATE INDEX audit_events_action_idx ON audit_events (tenant_id, action, ${order}) WHERE type = 'request'`);
    await q.query(`CREATE INDEX audit_events_actor_idx ON audit_events (tenant_id, actor_key_id, ${order}) WHERE type = 'request'`);
    for (const column of ['connected_account_id', 'vault_id', 'item_id']) {
      await q.query(`CREATE INDEX audit_events_${column}_idx ON audit_events (tenant_id, ${column}, ${order})
        WHERE type = 'request' AND ${column} IS NOT NULL`);
    }
    // Both records of a request: the requestId filter, and the way from a request record to its outcome record.
    await q.query(`CREATE INDEX audit_events_request_id_idx ON audit_events (tenant_id, request_id)`);
    await q.query(`CREATE INDEX audit_events_outcome_idx ON audit_events (tenant_id, outcome, ${order}) WHERE type = 'response'`);

    await q.query(`
      CREATE TABLE audit_chain_heads (
        tenant_id uuid PRIMARY KEY,
        last_seq bigint NOT NULL CHECK (last_seq >= 0),
        last_hash bytea NOT NULL CHECK (length(last_hash) = 32),
        last_recorded_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE audit_checkpoints (
        tenant_id uuid NOT NULL,
        seq bigint NOT NULL,
        hash bytea NOT NULL CHECK (length(hash) = 32),
        recorded_at timestamptz NOT NULL,
        dropped_partition text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, seq)
      )`);

    // Append-only, enforced by the database for every role that does not disable triggers.
    await q.query(`
      CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit records are append-only: % on % refused', TG_OP, TG_TABLE_NAME
          USING ERRCODE = 'insufficient_privilege';
      END $$`);
    for (const table of ['audit_events', 'audit_checkpoints']) {
      await q.query(`CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table}
        FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()`);
      // Statement level too: refuses even a statement that matches no row, and TRUNCATE.
      await q.query(`CREATE TRIGGER ${table}_append_only_statement BEFORE UPDATE OR DELETE OR TRUNCATE ON ${table}
        FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()`);
    }

    for (const table of ['audit_events', 'audit_chain_heads', 'audit_checkpoints']) {
      await q.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
      await q.query(`CREATE POLICY tenant_read ON ${table} FOR SELECT USING (tenant_id = current_tenant_id())`);
      await q.query(forAppRole(`GRANT SELECT ON ${table} TO %1$I`));
    }

    await q.query(`
      CREATE FUNCTION audit_lock_heads(p_tenants uuid[])
      RETURNS TABLE (tenant_id uuid, last_seq bigint, last_hash bytea, last_recorded_at timestamptz)
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
      #variable_conflict use_column
      BEGIN
        INSERT INTO audit_chain_heads (tenant_id, last_seq, last_hash)
          SELECT t, 0, decode(repeat('00', 32), 'hex') FROM unnest(p_tenants) AS t ORDER BY t
          ON CONFLICT ON CONSTRAINT audit_chain_heads_pkey DO NOTHING;
        RETURN QUERY SELECT c.tenant_id, c.last_seq, c.last_hash, c.last_recorded_at
          FROM audit_chain_heads c WHERE c.tenant_id = ANY (p_tenants) ORDER BY c.tenant_id FOR UPDATE;
      END $$`);

    // p_heads: [{t: tenant, s: expected last seq (null: never seen), h: expected last hash hex,
    //            ns: new last seq, nh: new last hash hex, nr: new last recorded_at}]
    // p_rows: the sealed records, keyed by column name.
    // Returns null when the rows were appended, else the actual heads ({t, s, h, r}) and appends nothing.
    await q.query(`
      CREATE FUNCTION audit_append(p_heads jsonb, p_rows json) RETURNS jsonb
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
      DECLARE
        v_tenants uuid[];
        v_conflict boolean;
        v_actual jsonb;
      BEGIN
        SELECT array_agg((h->>'t')::uuid ORDER BY (h->>'t')::uuid) INTO v_tenants FROM jsonb_array_elements(p_heads) h;
        INSERT INTO audit_chain_heads (tenant_id, last_seq, last_hash)
          SELECT (h->>'t')::uuid, 0, decode(repeat('00', 32), 'hex') FROM jsonb_array_elements(p_heads) h
          WHERE h->>'s' IS NULL ORDER BY 1
          ON CONFLICT (tenant_id) DO NOTHING;
        PERFORM 1 FROM audit_chain_heads c WHERE c.tenant_id = ANY (v_tenants) ORDER BY c.tenant_id FOR UPDATE;
        -- A head the caller expects but that is not there (yet: a batch pipelined behind the one creating it)
        -- is a conflict too.
        SELECT bool_or(c.tenant_id IS NULL
                       OR c.last_seq <> COALESCE((h->>'s')::bigint, 0)
                       OR c.last_hash <> decode(COALESCE(h->>'h', repeat('00', 32)), 'hex')),
               jsonb_agg(jsonb_build_object('t', h->>'t', 's', COALESCE(c.last_seq, 0),
                 'h', encode(COALESCE(c.last_hash, decode(repeat('00', 32), 'hex')), 'hex'), 'r', c.last_recorded_at))
          INTO v_conflict, v_actual
          FROM jsonb_array_elements(p_heads) h LEFT JOIN audit_chain_heads c ON c.tenant_id = (h->>'t')::uuid;
        IF v_conflict THEN
          RETURN v_actual;
        END IF;
        -- json, not jsonb: the rows are parsed once, straight into the record type (cheaper per row).
        INSERT INTO audit_events SELECT * FROM json_populate_recordset(NULL::audit_events, p_rows);
        UPDATE audit_chain_heads c
          SET last_seq = (h->>'ns')::bigint, last_hash = decode(h->>'nh', 'hex'),
              last_recorded_at = (h->>'nr')::timestamptz, updated_at = now()
          FROM jsonb_array_elements(p_heads) h WHERE c.tenant_id = (h->>'t')::uuid;
        RETURN NULL;
      END $$`);

    // A record whose write outcome was unknown (connection lost at commit) is retried only if it is absent.
    await q.query(`
      CREATE FUNCTION audit_existing_ids(p_ids uuid[]) RETURNS SETOF uuid
      LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
      AS $$ SELECT id FROM audit_events WHERE id = ANY (p_ids) $$`);

    for (const fn of ['audit_lock_heads(uuid[])', 'audit_append(jsonb, json)', 'audit_existing_ids(uuid[])']) {
      await q.query(`REVOKE ALL ON FUNCTION ${fn} FROM PUBLIC`);
      await q.query(forAppRole(`GRANT EXECUTE ON FUNCTION ${fn} TO %1$I`));
    }

    // Owner-only upkeep: monthly partitions, created ahead of time.
    await q.query(`
      CREATE FUNCTION audit_ensure_partition(p_month date) RETURNS boolean
      LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
      DECLARE
        v_start timestamp := date_trunc('month', p_month::timestamp);
        v_from timestamptz := v_start AT TIME ZONE 'UTC';
        v_to timestamptz := (v_start + interval '1 month') AT TIME ZONE 'UTC';
        v_name text := 'audit_events_y' || to_char(v_start, 'YYYY') || 'm' || to_char(v_start, 'MM');
      BEGIN
        PERFORM pg_advisory_xact_lock(727002);
        IF to_regclass(v_name) IS NOT NULL THEN
          RETURN false;
        END IF;
        IF EXISTS (SELECT 1 FROM audit_events_default WHERE recorded_at >= v_from AND recorded_at < v_to) THEN
          RAISE WARNING 'audit_events_default holds records of %; partition % was not created', to_char(v_start, 'YYYY-MM'), v_name;
          RETURN false;
        END IF;
        EXECUTE format('CREATE TABLE %I PARTITION OF audit_events FOR VALUES FROM (%L) TO (%L)', v_name, v_from, v_to);
        RETURN true;
      END $$`);
    await q.query(`
      CREATE FUNCTION audit_ensure_partitions(p_months_ahead integer) RETURNS integer
      LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
      DECLARE
        v_created integer := 0;
      BEGIN
        FOR i IN 0..p_months_ahead LOOP
          IF audit_ensure_partition((date_trunc('month', now() AT TIME ZONE 'UTC') + make_interval(months => i))::date) THEN
            v_created := v_created + 1;
          END IF;
        END LOOP;
        RETURN v_created;
      END $$`);

    // Retention drops whole months older than the current month minus p_keep_months, after recording, per
    // tenant, the seq and hash of the last dropped record: verify then starts from that checkpoint.
    await q.query(`
      CREATE FUNCTION audit_apply_retention(p_keep_months integer)
      RETURNS TABLE (dropped_partition text, checkpoints integer)
      LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
      DECLARE
        v_cutoff timestamptz;
        v_part record;
        v_count integer;
      BEGIN
        IF p_keep_months IS NULL OR p_keep_months < 1 THEN
          RAISE EXCEPTION 'audit retention must keep at least one month, got %', p_keep_months;
        END IF;
        PERFORM pg_advisory_xact_lock(727002);
        v_cutoff := (date_trunc('month', now() AT TIME ZONE 'UTC') - make_interval(months => p_keep_months)) AT TIME ZONE 'UTC';
        FOR v_part IN
          SELECT c.relname AS name,
                 (make_date(m[1]::int, m[2]::int, 1) + interval '1 month') AT TIME ZONE 'UTC' AS upper_bound
          FROM pg_inherits i
          JOIN pg_class c ON c.oid = i.inhrelid
          CROSS JOIN LATERAL regexp_match(c.relname, '^audit_events_y(\\d{4})m(\\d{2})$') AS m
          WHERE i.inhparent = 'audit_events'::regclass AND m IS NOT NULL
          ORDER BY 2
        LOOP
          CONTINUE WHEN v_part.upper_bound > v_cutoff;
          EXECUTE format(
            'INSERT INTO audit_checkpoints (tenant_id, seq, hash, recorded_at, dropped_partition)
             SELECT DISTINCT ON (tenant_id) tenant_id, seq, hash, recorded_at, %L FROM %I ORDER BY tenant_id, seq DESC
             ON CONFLICT (tenant_id, seq) DO NOTHING', v_part.name, v_part.name);
          GET DIAGNOSTICS v_count = ROW_COUNT;
          EXECUTE format('ALTER TABLE audit_events DETACH PARTITION %I', v_part.name);
          EXECUTE format('DROP TABLE %I', v_part.name);
          dropped_partition := v_part.name;
          checkpoints := v_count;
          RETURN NEXT;
        END LOOP;
      END $$`);
    for (const fn of ['audit_ensure_partition(date)', 'audit_ensure_partitions(integer)', 'audit_apply_retention(integer)']) {
      await q.query(`REVOKE ALL ON FUNCTION ${fn} FROM PUBLIC`);
    }
    await q.query(`SELECT audit_ensure_partitions(2)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP FUNCTION audit_apply_retention(integer)');
    await q.query('DROP FUNCTION audit_ensure_partitions(integer)');
    await q.query('DROP FUNCTION audit_ensure_partition(date)');
    await q.query('DROP FUNCTION audit_existing_ids(uuid[])');
    await q.query('DROP FUNCTION audit_append(jsonb, json)');
    await q.query('DROP FUNCTION audit_lock_heads(uuid[])');
    await q.query('DROP TABLE audit_checkpoints');
    await q.query('DROP TABLE audit_chain_heads');
    await q.query('DROP TABLE audit_events');
    await q.query('DROP FUNCTION audit_refuse_change()');
  }
}
