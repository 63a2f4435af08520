import { randomBytes } from 'node:crypto';
import type { Test } from 'supertest';
import { ConnectSimulator } from '../../src/connect-simulator/connect-simulator.js';
import type { ConnectSimulatorOptions } from '../../src/connect-simulator/simulator-options.types.js';
import type { SimulatorSeed } from '../../src/connect-simulator/simulator-seed.types.js';
import { TestApp, TestTenant } from '../support/test-app.js';

/** A 26-character Connect id that reads as what it is. */
export const cid = (name: string) => name.padEnd(26, '0');

/** Fast Connect settings: one retry with a tiny backoff, short timeouts, a breaker that does not trip in a test. */
export const FAST_CONNECT_ENV = {
  CONNECT_RETRY_BASE_MS: '5',
  CONNECT_MAX_RETRIES: '2',
  CONNECT_REQUEST_TIMEOUT_MS: '3000',
  CONNECT_CONNECT_TIMEOUT_MS: '1000',
  CONNECT_BREAKER_THRESHOLD: '1000',
};

export interface ActionsFixture {
  t: TestApp;
  sim: ConnectSimulator;
  tenant: TestTenant;
  operatorKey: string;
  auditorKey: string;
  /** A connected account of `tenant` on `sim`, with read and write on every vault. */
  accountId: string;
  /** `/v1/connected-accounts/<accountId>` */
  base: string;
  /** Request helpers authenticated as the tenant's operator (or another key). */
  get(path: string, key?: string): Test;
  post(path: string, body: unknown, key?: string): Test;
  put(path: string, body: unknown, key?: string): Test;
  patch(path: string, body: unknown, key?: string): Test;
  del(path: string, key?: string): Test;
  /** Connects another account of the tenant (e.g. with a scoped token). */
  connect(connectToken: string, connectServerUrl?: string): Promise<string>;
  close(): Promise<void>;
}

export async function startFixture(options: { seed: SimulatorSeed; sim?: Omit<ConnectSimulatorOptions, 'seed'>; env?: Record<string, string> }): Promise<ActionsFixture> {
  const sim = await ConnectSimulator.start({ port: 0, seed: options.seed, ...options.sim });
  const t = await TestApp.start({ ...FAST_CONNECT_ENV, ...options.env });
  const tenant = await t.createTenant();
  const operatorKey = (await t.createKey(tenant, 'operator')).key;
  const auditorKey = (await t.createKey(tenant, 'auditor')).key;
  const auth = (test: Test, key: string) => test.set('Authorization', `Bearer ${key}`);
  const connect = async (connectToken: string, connectServerUrl = sim.url) => {
    const res = await auth(t.http().post('/v1/connected-accounts'), tenant.adminKey).send({ name: `acct-${randomBytes(4).toString('hex')}`, connectServerUrl, connectToken });
    if (res.status !== 201) throw new Error(`cannot connect an account: ${res.status} ${res.text}`);
    return res.body.id as string;
  };
  const accountId = await connect(sim.defaultToken());
  const base = `/v1/connected-accounts/${accountId}`;
  return {
    t, sim, tenant, operatorKey, auditorKey, accountId, base, connect,
    get: (path, key = operatorKey) => auth(t.http().get(path), key),
    post: (path, body, key = operatorKey) => auth(t.http().post(path), key).send(body as object),
    put: (path, body, key = operatorKey) => auth(t.http().put(path), key).send(body as object),
    patch: (path, body, key = operatorKey) => auth(t.http().patch(path), key).send(body as object),
    del: (path, key = operatorKey) => auth(t.http().delete(path), key),
    close: async () => {
      await t.close();
      await sim.stop();
    },
  };
}

/** The simulator requests under /v1 (what reached "Connect"), optionally one method only. */
export function connectCalls(sim: ConnectSimulator, method?: string) {
  return sim.requests().filter((r) => r.path.startsWith('/v1/') && (method === undefined || r.method === method));
}
