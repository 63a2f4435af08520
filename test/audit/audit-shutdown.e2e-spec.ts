import { type AddressInfo, connect } from 'node:net';
import pg from 'pg';
import { TestApp } from '../support/test-app.js';
import { adminDb, recordsOf } from './support/audit-kit.js';

describe('audit at shutdown: a request that arrives while the service drains', () => {
  let db: pg.Client;

  beforeAll(async () => {
    db = await adminDb();
  });
  afterAll(() => db.end());

  it('is answered 503 SERVICE_UNAVAILABLE in the envelope, closing the connection, and recorded', async () => {
    const t = await TestApp.start();
    const tenant = await t.createTenant();
    await t.app.listen(0, '127.0.0.1');
    const socket = connect((t.app.getHttpServer().address() as AddressInfo).port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    let answers = '';
    socket.on('data', (chunk: Buffer) => (answers += chunk.toString('utf8')));
    const ended = new Promise((resolve) => socket.once('close', resolve));

    // A request in flight (its body half sent) keeps the connection open while the service starts closing.
    const body = JSON.stringify({ name: 'drain', role: 'auditor' });
    socket.write(`POST /v1/api-keys HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${tenant.adminKey}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nX-Request-Id: drain-first\r\n\r\n${body.slice(0, 5)}`);
    await new Promise((r) => setTimeout(r, 100));
    const closed = t.close();
    await new Promise((r) => setTimeout(r, 100));
    socket.write(`${body.slice(5)}GET /v1/tenant HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${tenant.adminKey}\r\nX-Request-Id: drain-second\r\n\r\n`);
    await ended;
    await closed;

    const [first, second] = answers.split(/(?=HTTP\/1\.1 )/);
    expect(first).toMatch(/^HTTP\/1\.1 201 /);
    expect(second).toMatch(/^HTTP\/1\.1 503 /);
    expect(second).toMatch(/\r\nconnection: close\r\n/i);
    expect(second).toMatch(/\r\nx-request-id: drain-second\r\n/i);
    expect(JSON.parse(second.slice(second.indexOf('\r\n\r\n') + 4))).toEqual({ error: { code: 'SERVICE_UNAVAILABLE', message: expect.any(String), requestId: 'drain-second' } });
    // Written by the drain when the server closed.
    expect((await recordsOf(db, 'drain-second')).all).toEqual([
      expect.objectContaining({ type: 'request', action: 'tenants.get' }),
      expect.objectContaining({ type: 'response', outcome: 'error', http_status: 503, error_code: 'SERVICE_UNAVAILABLE' }),
    ]);
    expect((await recordsOf(db, 'drain-first')).response).toMatchObject({ http_status: 201 });
  });
});
