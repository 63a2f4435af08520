import { type AddressInfo, connect } from 'node:net';
import type { SimulatorSeed } from '../../src/connect-simulator/simulator-seed.types.js';
import { ActionsFixture, cid, startFixture } from '../actions-rest/actions-fixture.js';

const ENG = cid('vaulteng');
const seed: SimulatorSeed = { vaults: [{ id: ENG, name: 'Engineering', items: [{ id: cid('itemeng'), title: 'db', category: 'LOGIN' }] }] };

/** The value of one series in Prometheus text format (undefined when absent). */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const body = line.slice(name.length + 1, line.indexOf('}'));
    const parts = body.split(',');
    if (wanted.every((w) => parts.includes(w))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

describe('GET /metrics', () => {
  let f: ActionsFixture;

  beforeAll(async () => {
    f = await startFixture({ seed });
  });
  afterAll(() => f?.close());

  it('answers in Prometheus text format, unauthenticated, with the process metrics under the prefix', async () => {
    const res = await f.t.http().get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.text).toMatch(/^# TYPE wrk_onepassword_process_cpu_user_seconds_total counter$/m);
    expect(res.text).toMatch(/^wrk_onepassword_nodejs_heap_size_used_bytes \d+/m);
  });

  it('counts and times requests by audited action and outcome, Connect calls by account, and their errors', async () => {
    // Connecting the account (verification) called Connect already: Connect counts are compared with before.
    const before = (await f.t.http().get('/metrics').expect(200)).text;
    const connectCount = (text: string, operation: string) =>
      sample(text, 'wrk_onepassword_connect_call_duration_seconds_count', { account_id: f.accountId, operation }) ?? 0;
    await f.get(`${f.base}/vaults`).expect(200);
    await f.get(`${f.base}/vaults`).expect(200);
    await f.t.http().get(`${f.base}/vaults`).expect(401);
    f.sim.setFaults({ retryAfterSeconds: 0, script: [{ status: 503 }, { status: 503 }, { status: 503 }] });
    await f.get(`${f.base}/vaults/${ENG}`).expect(503);
    f.sim.resetFaults();

    const text = (await f.t.http().get('/metrics').expect(200)).text;
    expect(sample(text, 'wrk_onepassword_http_requests_total', { action: 'vaults.list', outcome: 'success' })).toBe(2);
    expect(sample(text, 'wrk_onepassword_http_requests_total', { action: 'vaults.list', outcome: 'denied' })).toBe(1);
    expect(sample(text, 'wrk_onepassword_http_requests_total', { action: 'vaults.get', outcome: 'error' })).toBe(1);
    expect(sample(text, 'wrk_onepassword_http_request_duration_seconds_count', { action: 'vaults.list', outcome: 'success' })).toBe(2);
    expect(sample(text, 'wrk_onepassword_http_request_duration_seconds_bucket', { action: 'vaults.list', outcome: 'success', le: '+Inf' })).toBe(2);
    // /metrics itself (outside /v1) is not counted.
    expect(text).not.toMatch(/action="route\.unknown"/);

    const account = { account_id: f.accountId };
    expect(connectCount(text, 'listVaults') - connectCount(before, 'listVaults')).toBe(2);
    expect(connectCount(text, 'getVault') - connectCount(before, 'getVault')).toBe(1);
    expect(sample(text, 'wrk_onepassword_connect_errors_total', { ...account, operation: 'getVault', code: 'CONNECT_UNAVAILABLE' })).toBe(1);
    expect(sample(text, 'wrk_onepassword_connect_errors_total', { ...account, operation: 'listVaults', code: 'CONNECT_UNAVAILABLE' })).toBeUndefined();
  });

  it('counts the requests the router refuses (a malformed URL, an over-long path segment) and those the HTTP parser refuses', async () => {
    await f.get('/v1/connected-accounts/%ff').expect(400);
    await f.get(`/v1/connected-accounts/${'x'.repeat(5000)}`).expect(414);
    // Only a parser refusal whose request line names /v1 counts, like any request outside /v1.
    for (const path of ['/v1/tenant', '/health/live']) await refusedByParser(`GET ${path} HTTP/1.1\r\nHost: x\r\nX-Bad: a\u0001b\r\n\r\n`);
    const text = (await f.t.http().get('/metrics').expect(200)).text;
    expect(sample(text, 'wrk_onepassword_http_requests_total', { action: 'route.unknown', outcome: 'invalid' })).toBe(3);
  });

  async function refusedByParser(bytes: string): Promise<void> {
    const server = f.t.app.getHttpServer();
    if (!server.listening) await f.t.app.listen(0, '127.0.0.1');
    const socket = connect((server.address() as AddressInfo).port, '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
    await new Promise((resolve) => socket.once('close', resolve).write(bytes, 'latin1'));
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
  }

  it('reports the audit queue depth and the database pool', async () => {
    const text = (await f.t.http().get('/metrics').expect(200)).text;
    expect(text).toMatch(/^wrk_onepassword_audit_queue_depth \d+$/m);
    const total = sample(text, 'wrk_onepassword_db_pool_connections', { state: 'total' });
    expect(total).toBeGreaterThan(0);
    expect(sample(text, 'wrk_onepassword_db_pool_connections', { state: 'idle' })).toBeLessThanOrEqual(total!);
    expect(sample(text, 'wrk_onepassword_db_pool_connections', { state: 'waiting' })).toBe(0);
  });

  it('is left out of the OpenAPI document', async () => {
    const doc = (await f.t.http().get('/docs-json').expect(200)).body as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).not.toContain('/metrics');
  });
});
