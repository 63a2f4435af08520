import { DataSource } from 'typeorm';
import { adminQuery, createScratchDatabase } from '../connected-accounts/helpers.js';
import { TestApp } from '../support/test-app.js';

/** /health/ready's 503: why, in a machine-readable form, and nothing an unauthenticated caller should not see. */
describe('readiness', () => {
  // Started first: nestjs-pino's root logger is per process, so every app of this file logs into its capture.
  let t: TestApp;

  beforeAll(async () => {
    t = await TestApp.start();
  });
  afterAll(() => t.close().catch(() => undefined));

  it('answers 503 migrations-pending, naming them, while the database lacks a migration this build has', async () => {
    const scratch = await createScratchDatabase();
    const s = await TestApp.start({ DATABASE_URL: scratch.url });
    try {
      await s.http().get('/health/ready').expect(200);
      const [last] = await adminQuery<{ name: string }>('DELETE FROM schema_migrations WHERE id = (SELECT max(id) FROM schema_migrations) RETURNING name', [], scratch.name);
      const res = await s.http().get('/health/ready').expect(503);
      expect(res.headers['retry-after']).toBe('5');
      expect(res.body.error).toMatchObject({
        code: 'SERVICE_UNAVAILABLE',
        message: 'Not ready: 1 database migration(s) not applied yet',
        details: { database: 'down', reason: 'migrations-pending', pendingMigrations: [last.name] },
      });
      expect(typeof res.body.error.requestId).toBe('string');
      await s.http().get('/health/live').expect(200);
    } finally {
      await s.close();
      await scratch.drop();
    }
  });

  // Last: the app's database connection does not come back.
  it('answers 503 unreachable when the database does not answer, with its error in the log only', async () => {
    await t.http().get('/health/ready').expect(200);
    await t.app.get(DataSource).destroy();
    const res = await t.http().get('/health/ready').expect(503);
    expect(res.body.error).toMatchObject({ code: 'SERVICE_UNAVAILABLE', message: 'Not ready: the database does not answer', details: { database: 'down', reason: 'unreachable' } });
    expect(JSON.stringify(res.body)).not.toMatch(/driver|connect|pool|postgres|127\.0\.0\.1/i);
    // The app's logs reach the capture a little after the answer.
    const line = 'Not ready: the database did not answer (';
    for (let i = 0; i < 20 && !t.logs.text().includes(line); i++) await new Promise((r) => setTimeout(r, 50));
    expect(t.logs.text()).toContain(line);
    await t.http().get('/health/live').expect(200);
  });
});
