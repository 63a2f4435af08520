import { OnePasswordConnect } from '@1password/connect';

import { ConnectSimulator } from '../../src/connect-simulator/connect-simulator.js';
import type { FaultSettings } from '../../src/connect-simulator/simulator-options.types.js';
import { connectClient } from './connect-client.helper.js';

// Fault injection: each fault shows up exactly as configured, through the library API and the admin endpoint.
const VAULT = 'faultvault0000000000000001';
const ADMIN_SECRET = 'admin-secret-for-tests';
const SYNC_TIMEOUT_MS = 120;

describe('Connect simulator: fault injection', () => {
  let sim: ConnectSimulator;
  let api: ReturnType<typeof connectClient>;

  const admin = (method: string, path: string, body?: unknown, secret: string | null = ADMIN_SECRET) =>
    fetch(`${sim.url}/__admin${path}`, {
      method,
      headers: { ...(secret !== null && { 'X-Simulator-Admin': secret }), 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const statuses = async (count: number) => {
    const seen: number[] = [];
    for (let i = 0; i < count; i++) seen.push((await api.get(`/v1/vaults/${VAULT}`)).status);
    return seen;
  };

  beforeAll(async () => {
    sim = await ConnectSimulator.start({
      adminSecret: ADMIN_SECRET,
      syncTimeoutMs: SYNC_TIMEOUT_MS,
      seed: { vaults: [{ id: VAULT, name: 'Faults', items: [{ title: 'file holder', category: 'SECURE_NOTE', files: [{ name: 'f.bin', bytes: Buffer.alloc(100_000, 9) }] }] }] },
    });
    api = connectClient(sim);
  });
  afterAll(() => sim.stop());
  beforeEach(() => {
    sim.resetFaults();
    sim.clearRequests();
  });

  describe('scripted steps', () => {
    it('answers the next request with the scripted status and Retry-After, once', async () => {
      sim.setFaults({ script: [{ status: 503, retryAfterSeconds: 4 }] });
      const failed = await api.get(`/v1/vaults/${VAULT}`);
      expect(failed.status).toBe(503);
      expect(failed.headers.get('retry-after')).toBe('4');
      expect(failed.headers.get('1password-connect-version')).toBe('1.7.3');
      expect(failed.body).toEqual({ status: 503, message: 'Service Unavailable' });
      expect((await api.get(`/v1/vaults/${VAULT}`)).status).toBe(200);
      expect(sim.faults().script).toEqual([]);
      expect(sim.requests().map((r) => [r.status, r.fault])).toEqual([[503, 'error'], [200, undefined]]);
    });

    it('consumes steps in order, each by the first request it matches', async () => {
      sim.setFaults({ script: [{ method: 'POST', status: 500 }, { status: 429 }, { pathIncludes: '/items', status: 502 }] });
      expect((await api.get(`/v1/vaults/${VAULT}`)).status).toBe(429);
      const before = sim.store.items(VAULT).length;
      const post = await api.post(`/v1/vaults/${VAULT}/items`, { title: 'never stored', category: 'LOGIN' });
      expect(post.status).toBe(500);
      expect(sim.store.items(VAULT)).toHaveLength(before);
      expect((await api.get(`/v1/vaults/${VAULT}`)).status).toBe(200);
      expect((await api.get(`/v1/vaults/${VAULT}/items`)).status).toBe(502);
      expect(await statuses(2)).toEqual([200, 200]);
      // "POST sent once": the record shows exactly what reached the simulator.
      expect(sim.requests().filter((r) => r.method === 'POST').map((r) => [r.path, r.status])).toEqual([[`/v1/vaults/${VAULT}/items`, 500]]);
    });

    it('delays a request by delayMs and then answers normally', async () => {
      sim.setFaults({ script: [{ delayMs: 150 }] });
      const started = performance.now();
      expect((await api.get(`/v1/vaults/${VAULT}`)).status).toBe(200);
      expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    });

    it('answers a scripted 408 with the sync timeout message', async () => {
      sim.setFaults({ script: [{ status: 408 }] });
      const res = await api.get(`/v1/vaults/${VAULT}`);
      expect(res.body).toEqual({ status: 408, message: 'sync did not complete within timeout, please retry the request' });
      expect(sim.requests()[0].fault).toBe('sync-timeout');
    });

    it('cuts the connection mid-response after processing the request', async () => {
      sim.setFaults({ script: [{ method: 'POST', reset: true }] });
      const before = sim.store.items(VAULT).length;
      const attempt = fetch(`${sim.url}/v1/vaults/${VAULT}/items`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${sim.defaultToken()}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ title: 'created, answer lost', category: 'LOGIN' }),
      }).then((res) => res.text());
      await expect(attempt).rejects.toThrow();
      expect(sim.store.items(VAULT)).toHaveLength(before + 1);
      expect(sim.requests()[0]).toMatchObject({ method: 'POST', status: 200, fault: 'reset' });
    });

    it('cuts a file download halfway through its bytes', async () => {
      const item = sim.store.items(VAULT)[0];
      sim.setFaults({ script: [{ reset: true, pathIncludes: '/content' }] });
      const url = `${sim.url}/v1/vaults/${VAULT}/items/${item.id}/files/${item.files[0].id}/content`;
      const res = await fetch(url, { headers: { Authorization: `Bearer ${sim.defaultToken()}` } });
      expect(res.headers.get('content-length')).toBe('100000');
      await expect(res.arrayBuffer()).rejects.toThrow();
      const retry = await fetch(url, { headers: { Authorization: `Bearer ${sim.defaultToken()}` } });
      expect(Buffer.from(await retry.arrayBuffer())).toEqual(Buffer.alloc(100_000, 9));
    });

    it('surfaces a reset to the official SDK as a network error, not a Connect error body', async () => {
      sim.setFaults({ script: [{ reset: true }] });
      const op = OnePasswordConnect({ serverURL: sim.url, token: sim.defaultToken() });
      // HTTP errors reject with the plain {status, message} body; a cut connection rejects with an AxiosError.
      const error = await op.listVaults().then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
      expect(error).not.toHaveProperty('message', expect.stringMatching(/^Request failed with status code/));
      expect((await op.listVaults()).length).toBe(1);
    });
  });

  describe('rated faults', () => {
    it('fails exactly the configured share of requests, taking the statuses in turn', async () => {
      sim.setFaults({ errorRate: 0.25, errorStatuses: [500, 503] });
      expect(await statuses(8)).toEqual([200, 200, 200, 500, 200, 200, 200, 503]);
    });

    it('answers 429 with Retry-After', async () => {
      sim.setFaults({ errorRate: 1, errorStatuses: [429], retryAfterSeconds: 7 });
      const res = await api.get(`/v1/vaults/${VAULT}`);
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('7');
      expect(res.body).toEqual({ status: 429, message: 'Too Many Requests' });
    });

    it('holds sync timeouts for syncTimeoutMs, then answers 408', async () => {
      sim.setFaults({ syncTimeoutRate: 0.5 });
      const started = performance.now();
      expect((await api.get(`/v1/vaults/${VAULT}`)).status).toBe(200);
      const timedOut = await api.get(`/v1/vaults/${VAULT}`);
      expect(timedOut.body).toEqual({ status: 408, message: 'sync did not complete within timeout, please retry the request' });
      expect(performance.now() - started).toBeGreaterThanOrEqual(SYNC_TIMEOUT_MS - 10);
    });

    it('resets the given share of connections', async () => {
      sim.setFaults({ resetRate: 0.5 });
      const outcomes: string[] = [];
      for (let i = 0; i < 4; i++) {
        outcomes.push(await fetch(`${sim.url}/v1/vaults`, { headers: { Authorization: `Bearer ${sim.defaultToken()}` } })
          .then((res) => res.text())
          .then(() => 'ok', () => 'reset'));
      }
      expect(outcomes).toEqual(['ok', 'reset', 'ok', 'reset']);
    });

    it('adds latency to /v1 requests only', async () => {
      sim.setFaults({ latencyMs: 150 });
      let started = performance.now();
      await api.get('/v1/vaults');
      expect(performance.now() - started).toBeGreaterThanOrEqual(140);
      started = performance.now();
      await api.get('/heartbeat');
      expect(performance.now() - started).toBeLessThan(140);
    });

    it('rejects invalid settings', () => {
      expect(() => sim.setFaults({ errorRate: 2 })).toThrow(/errorRate/);
      expect(() => sim.setFaults({ errorStatuses: [200] })).toThrow(/errorStatuses/);
      expect(() => sim.setFaults({ script: [{ method: 7 as unknown as string }] })).toThrow(/method/);
      expect(() => sim.setFaults({ latency: 5 } as Partial<FaultSettings>)).toThrow('unknown fault settings: latency');
      expect(sim.faults().errorRate).toBe(0);
    });
  });

  describe('sync not ready', () => {
    it('reports sync not ready on /health and answers /v1 with 500', async () => {
      sim.setFaults({ syncReady: false });
      const anonymous = connectClient(sim, null);
      const health = await anonymous.get('/health');
      expect(health.body.dependencies).toEqual([
        { service: 'sync', status: 'TOKEN_NEEDED' },
        expect.objectContaining({ service: 'sqlite', status: 'ACTIVE' }),
        { service: 'account_data', status: 'TOKEN_NEEDED' },
      ]);
      expect((await api.get('/v1/vaults')).body).toEqual({ status: 500, message: 'failed to initiate, review service logs for details' });
      expect((await api.get('/heartbeat')).status).toBe(200);
      expect(sim.requests().find((r) => r.path === '/v1/vaults')!.fault).toBe('sync-not-ready');
      sim.setFaults({ syncReady: true });
      expect((await api.get('/v1/vaults')).status).toBe(200);
    });

    it('is unlocked by a valid token sent to /health, from the next request on', async () => {
      sim.setFaults({ syncReady: false, latencyMs: 1 });
      expect((await connectClient(sim, 'not-a-token').get('/health')).body.dependencies[0].status).toBe('TOKEN_NEEDED');
      expect((await api.get('/v1/vaults')).status).toBe(500);
      expect((await api.get('/health')).body.dependencies[0].status).toBe('TOKEN_NEEDED');
      expect((await api.get('/health')).body.dependencies[0].status).toBe('ACTIVE');
      expect((await api.get('/v1/vaults')).status).toBe(200);
      expect(sim.faults()).toMatchObject({ syncReady: true, latencyMs: 1 });
    });
  });

  describe('listener', () => {
    it('stops and starts again on the same port', async () => {
      const { port, url } = sim;
      await sim.stopListener();
      await expect(fetch(`${url}/heartbeat`)).rejects.toThrow();
      await sim.startListener();
      expect(sim.port).toBe(port);
      expect((await fetch(`${url}/heartbeat`)).status).toBe(200);
    });

    it('drops open keep-alive connections when stopping', async () => {
      const op = OnePasswordConnect({ serverURL: sim.url, token: sim.defaultToken(), keepAlive: true });
      await op.listVaults();
      await sim.stopListener();
      await expect(op.listVaults()).rejects.toBeInstanceOf(Error);
      await sim.startListener();
      expect(await op.listVaults()).toHaveLength(1);
    });

    it('stops from the admin endpoint and restarts after restartAfterMs', async () => {
      const res = await admin('POST', '/listener/stop?restartAfterMs=200');
      expect(res.status).toBe(202);
      await new Promise((resolve) => setTimeout(resolve, 50));
      await expect(fetch(`${sim.url}/heartbeat`)).rejects.toThrow();
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect((await fetch(`${sim.url}/heartbeat`)).status).toBe(200);
    });
  });

  describe('admin endpoint', () => {
    it('answers 401 without the right X-Simulator-Admin header', async () => {
      for (const secret of [null, 'wrong']) {
        const res = await admin('GET', '/faults', undefined, secret);
        expect(res.status).toBe(401);
        expect(res.headers.get('1password-connect-version')).toBe('1.7.3');
      }
      expect((await admin('PUT', '/faults', { errorRate: 1 }, 'wrong')).status).toBe(401);
      expect(sim.faults().errorRate).toBe(0);
    });

    it('reads, updates and resets the fault settings', async () => {
      expect(await (await admin('GET', '/faults')).json()).toEqual({
        latencyMs: 0, errorRate: 0, errorStatuses: [500, 503, 429], retryAfterSeconds: 1,
        syncTimeoutRate: 0, resetRate: 0, syncReady: true, script: [],
      });
      const updated = await admin('PUT', '/faults', { script: [{ status: 503 }], latencyMs: 5 });
      expect(await updated.json()).toMatchObject({ script: [{ status: 503 }], latencyMs: 5 });
      expect((await api.get('/v1/vaults')).status).toBe(503);
      expect((await admin('PUT', '/faults', { errorRate: 3 })).status).toBe(400);
      expect((await admin('PUT', '/faults', '[1]')).status).toBe(400);
      expect(await (await admin('POST', '/faults/reset')).json()).toMatchObject({ latencyMs: 0, script: [] });
    });

    it('lists and clears the recorded requests, admin calls excluded', async () => {
      await api.get('/v1/vaults');
      await api.get('/heartbeat');
      const recorded = await (await admin('GET', '/requests')).json();
      expect(recorded).toEqual([
        { method: 'GET', path: '/v1/vaults', query: '', status: 200, time: expect.any(Number), durationMs: expect.any(Number) },
        { method: 'GET', path: '/heartbeat', query: '', status: 200, time: expect.any(Number), durationMs: expect.any(Number) },
      ]);
      expect((await admin('DELETE', '/requests')).status).toBe(204);
      expect(sim.requests()).toEqual([]);
    });
  });
});
