/**
 * Wraps a statement that names the app role as `%I` so it runs with the role chosen by
 * DATABASE_APP_ROLE (passed to migrations as the `wrk.app_role` session setting).
 */
export function forAppRole(statement: string): string {
  const literal = statement.replace(/'/g, "''");
  return `DO $$ BEGIN EXECUTE format('${literal}', current_setting('wrk.app_role')); END $$`;
}
