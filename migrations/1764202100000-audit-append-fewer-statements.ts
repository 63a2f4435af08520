import { MigrationInterface, QueryRunner } from 'typeorm';

const SIGNATURE = `audit_append(p_heads jsonb, p_rows json) RETURNS jsonb
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp`;

/** What both versions end with: the rows, then the new heads. */
const APPEND = `
        -- json, not jsonb: the rows are parsed once, straight into the record type (cheaper per row).
        INSERT INTO audit_events SELECT * FROM json_populate_recordset(NULL::audit_events, p_rows);
        UPDATE audit_chain_heads c
          SET last_seq = (h->>'ns')::bigint, last_hash = decode(h->>'nh', 'hex'),
              last_recorded_at = (h->>'nr')::timestamptz, updated_at = now()
          FROM jsonb_array_elements(p_heads) h WHERE c.tenant_id = (h->>'t')::uuid;
        RETURN NULL;`;

/** The heads Postgres holds for the batch's chains, as the writer reads them after a conflict. */
const ACTUAL_HEADS = `jsonb_agg(jsonb_build_object('t', h->>'t', 's', COALESCE(c.last_seq, 0),
                 'h', encode(COALESCE(c.last_hash, decode(repeat('00', 32), 'hex')), 'hex'), 'r', c.last_recorded_at))`;

/**
 * `audit_append` with the same contract in fewer statements, for the awaited commit every Connect call waits
 * for: the chain heads are locked and checked in one statement (a row locked FOR UPDATE comes back in its
 * latest committed version, so the check sees whatever a writer before us appended), a new chain's head row is
 * only inserted when the batch starts one, and the actual heads are only built on a conflict. Postgres's time
 * in the function at c=1 (`track_functions`, two-record batches, three alternated rounds of 1,500): 0.45-0.49 ms
 * before, 0.32-0.39 ms after.
 */
export class AuditAppendFewerStatements1764202100000 implements MigrationInterface {
  name = 'AuditAppendFewerStatements1764202100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION ${SIGNATURE} AS $$
      DECLARE
        v_conflict boolean;
        v_actual jsonb;
      BEGIN
        IF EXISTS (SELECT 1 FROM jsonb_array_elements(p_heads) h WHERE h->>'s' IS NULL) THEN
          INSERT INTO audit_chain_heads (tenant_id, last_seq, last_hash)
            SELECT (h->>'t')::uuid, 0, decode(repeat('00', 32), 'hex') FROM jsonb_array_elements(p_heads) h
            WHERE h->>'s' IS NULL ORDER BY 1
            ON CONFLICT (tenant_id) DO NOTHING;
        END IF;
        -- Locked in tenant order (no deadlock between batches); a head the caller expects but that is not there
        -- (yet: a batch pipelined behind the one creating it) is a conflict too.
        SELECT count(*) < jsonb_array_length(p_heads) OR bool_or(x.stale) INTO v_conflict FROM (
          SELECT c.last_seq <> COALESCE((h->>'s')::bigint, 0)
                 OR c.last_hash <> decode(COALESCE(h->>'h', repeat('00', 32)), 'hex') AS stale
            FROM audit_chain_heads c JOIN jsonb_array_elements(p_heads) h ON c.tenant_id = (h->>'t')::uuid
            ORDER BY c.tenant_id FOR UPDATE OF c) x;
        IF v_conflict THEN
          SELECT ${ACTUAL_HEADS} INTO v_actual
            FROM jsonb_array_elements(p_heads) h LEFT JOIN audit_chain_heads c ON c.tenant_id = (h->>'t')::uuid;
          RETURN v_actual;
        END IF;${APPEND}
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION ${SIGNATURE} AS $$
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
        SELECT bool_or(c.tenant_id IS NULL
                       OR c.last_seq <> COALESCE((h->>'s')::bigint, 0)
                       OR c.last_hash <> decode(COALESCE(h->>'h', repeat('00', 32)), 'hex')),
               ${ACTUAL_HEADS}
          INTO v_conflict, v_actual
          FROM jsonb_array_elements(p_heads) h LEFT JOIN audit_chain_heads c ON c.tenant_id = (h->>'t')::uuid;
        IF v_conflict THEN
          RETURN v_actual;
        END IF;${APPEND}
      END $$`);
  }
}
