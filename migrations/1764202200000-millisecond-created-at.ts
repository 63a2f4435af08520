import { MigrationInterface, QueryRunner } from 'typeorm';

const TABLES = ['tenants', 'api_keys', 'connected_accounts'];

/**
 * created_at to the millisecond. Newest-first lists page on (created_at, id) with the cursor holding created_at as
 * JavaScript has it, in milliseconds: with Postgres's microseconds, a row created in the same millisecond as the
 * last one of a page, but a few microseconds earlier, compared above the cursor and was never listed.
 */
export class MillisecondCreatedAt1764202200000 implements MigrationInterface {
  name = 'MillisecondCreatedAt1764202200000';

  async up(q: QueryRunner): Promise<void> {
    for (const table of TABLES) await q.query(`ALTER TABLE ${table} ALTER COLUMN created_at TYPE timestamptz(3)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of TABLES) await q.query(`ALTER TABLE ${table} ALTER COLUMN created_at TYPE timestamptz`);
  }
}
