import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import request from 'supertest';
import { createApp } from '../../src/app.factory.js';

export const TEST_PLATFORM_KEY = `platform-${randomBytes(24).toString('hex')}`;
export const TEST_ENCRYPTION_KEYS = `test1:${randomBytes(32).toString('base64')}`;

export interface TestTenant {
  id: string;
  adminKey: string;
}

/** Captures every log line the app writes, so tests can prove no secret reaches a log. */
export class LogCapture extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.lines.push(chunk.toString('utf8'));
    done();
  }
  text(): string {
    return this.lines.join('');
  }
}

/** The real application (same factory as main.ts) on the test database; one per test file. */
export class TestApp {
  private constructor(
    readonly app: NestFastifyApplication,
    readonly logs: LogCapture,
  ) {}

  static async start(env: Record<string, string | undefined> = {}): Promise<TestApp> {
    const logs = new LogCapture();
    const app = await createApp({
      env: { NODE_ENV: 'test', PLATFORM_API_KEY: TEST_PLATFORM_KEY, ENCRYPTION_KEYS: TEST_ENCRYPTION_KEYS, LOG_LEVEL: 'info', ...env },
      logStream: logs,
    });
    await app.getHttpAdapter().getInstance().ready();
    return new TestApp(app, logs);
  }

  http() {
    return request(this.app.getHttpServer());
  }

  async createTenant(name = `tenant-${randomBytes(4).toString('hex')}`): Promise<TestTenant> {
    const res = await this.http().post('/v1/tenants').set('Authorization', `Bearer ${TEST_PLATFORM_KEY}`).send({ name }).expect(201);
    return { id: res.body.tenant.id, adminKey: res.body.apiKey.key };
  }

  async createKey(tenant: TestTenant, role: 'admin' | 'operator' | 'auditor'): Promise<{ id: string; key: string }> {
    const res = await this.http().post('/v1/api-keys').set('Authorization', `Bearer ${tenant.adminKey}`).send({ name: `${role} key`, role }).expect(201);
    return { id: res.body.id, key: res.body.key };
  }

  async close(): Promise<void> {
    await this.app.close();
  }
}
