import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { TestApp, TestTenant } from '../support/test-app.js';

const REDIS_URL = process.env.WRK_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('Rate limits shared through Redis', () => {
  const prefix = `wrk-test-${randomBytes(6).toString('hex')}:`;
  let a: TestApp;
  let b: TestApp;
  let redis: Redis;
  let tenant: TestTenant;

  beforeAll(async () => {
    const env = { REDIS_URL, RATE_LIMIT_REDIS_PREFIX: prefix, RATE_LIMIT_TENANT_PER_MINUTE: '4' };
    [a, b] = await Promise.all([TestApp.start(env), TestApp.start(env)]);
    redis = new Redis(REDIS_URL);
    tenant = await a.createTenant();
  });
  afterAll(async () => {
    if (redis) {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      await redis.quit();
    }
    await Promise.all([a?.close(), b?.close()]);
  });

  const tenantInfo = (t: TestApp) => t.http().get('/v1/tenant').set('Authorization', `Bearer ${tenant.adminKey}`);

  it('two instances on one REDIS_URL and prefix share a limit of N', async () => {
    await tenantInfo(a).expect(200);
    await tenantInfo(b).expect(200);
    await tenantInfo(a).expect(200);
    await tenantInfo(b).expect(200);
    const res = await tenantInfo(a).expect(429);
    expect(res.body.error.code).toBe('RATE_LIMITED');
    expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    await tenantInfo(b).expect(429);
    // The counter lives under the configured prefix, with a TTL of the one-minute window.
    const key = `${prefix}{tenant:${tenant.id}}`;
    expect(Number(await redis.get(key))).toBe(6);
    const ttl = await redis.pttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it('lets requests through at once while Redis cannot be reached (no wait for a command timeout)', async () => {
    const down = await TestApp.start({ REDIS_URL: 'redis://127.0.0.1:1', RATE_LIMIT_REDIS_PREFIX: prefix, RATE_LIMIT_TENANT_PER_MINUTE: '1' });
    try {
      const own = await down.createTenant();
      for (let i = 0; i < 3; i++) {
        const started = Date.now();
        await down.http().get('/v1/tenant').set('Authorization', `Bearer ${own.adminKey}`).expect(200);
        expect(Date.now() - started).toBeLessThan(250);
      }
    } finally {
      await down.close();
    }
  });

  it('counts in memory, per instance, when REDIS_URL is unset', async () => {
    const env = { REDIS_URL: undefined, RATE_LIMIT_TENANT_PER_MINUTE: '2' };
    const [c, d] = await Promise.all([TestApp.start(env), TestApp.start(env)]);
    try {
      const own = await c.createTenant();
      const info = (t: TestApp) => t.http().get('/v1/tenant').set('Authorization', `Bearer ${own.adminKey}`);
      await info(c).expect(200);
      await info(c).expect(200);
      await info(c).expect(429);
      // The other instance has its own counters.
      await info(d).expect(200);
      await info(d).expect(200);
      await info(d).expect(429);
      expect(await redis.keys(`*${own.id}*`)).toEqual([]);
    } finally {
      await Promise.all([c.close(), d.close()]);
    }
  });
});
