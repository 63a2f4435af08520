import pg from 'pg';

export default async function globalTeardown() {
  const { baseUrl, database } = globalThis.__wrkTestDatabase ?? {};
  if (baseUrl && database) {
    const admin = new pg.Client({ connectionString: baseUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => undefined);
    await admin.end();
  }
  await globalThis.__wrkEmbeddedPostgres?.stop();
}
