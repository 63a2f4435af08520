import { Body, Controller, Get, Module, Param, Post, Req } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import { Logger } from 'nestjs-pino';
import request from 'supertest';
import { AppModule } from '../../../src/app.module.js';
import { AuditAction } from '../../../src/audit/audit-action.decorator.js';
import { annotateAudit } from '../../../src/audit/audit-recorder.js';
import { AuditSummaries } from '../../../src/audit/audit-summaries.js';
import { CurrentPrincipal, Roles } from '../../../src/common/auth/auth.decorators.js';
import type { Principal } from '../../../src/common/auth/principal.js';
import { Role } from '../../../src/common/auth/role.enum.js';
import { AppException } from '../../../src/common/errors/app-exception.js';
import { ErrorCode } from '../../../src/common/errors/error-code.enum.js';
import { REQUEST_ID_HEADER, requestIdFor } from '../../../src/common/http/request-id.js';
import { LogCapture, TEST_ENCRYPTION_KEYS, TEST_PLATFORM_KEY, TestTenant } from '../../support/test-app.js';

/** What the probe's handlers did: stands in for "the Connect client was called". */
export const probe = {
  calls: [] as string[],
  gate: null as Promise<void> | null,
  reset(): void {
    this.calls = [];
    this.gate = null;
  },
};

const ITEM = 'connected-accounts/:accountId/vaults/:vaultId/items';

/** Test-only routes shaped like the Connect actions (the real ones are other modules' work). */
@Controller('v1/probe')
@Roles(Role.Admin, Role.Operator)
export class ProbeController {
  @Get(`${ITEM}/:itemId`)
  @AuditAction('probe.items-get', { readOnly: true, reachesConnect: true })
  async get(@CurrentPrincipal() principal: Principal, @Param('itemId') itemId: string) {
    // A read's handler starts while its record commits; like a client from ConnectClientRegistry.forPrincipal,
    // the stand-in for Connect waits for the commit.
    await principal.auditCommitted;
    probe.calls.push(`get ${itemId}`);
    if (probe.gate) await probe.gate;
    return { id: itemId };
  }

  @Post(ITEM)
  @AuditAction('probe.items-create', { reachesConnect: true, summary: AuditSummaries.itemWrite })
  create(@Req() req: FastifyRequest, @Body() body: { title?: string }) {
    probe.calls.push(`create ${body?.title}`);
    annotateAudit(req, { resources: { itemId: 'newitem0000000000000000000' }, details: { created: true, password: 'never-stored' } });
    return { id: 'newitem0000000000000000000' };
  }

  @Get('boom')
  @AuditAction('probe.boom', { reachesConnect: true })
  boom(): never {
    probe.calls.push('boom');
    throw new Error('kaboom: internal detail');
  }

  @Get('upstream')
  @AuditAction('probe.upstream', { reachesConnect: true })
  upstream(): never {
    probe.calls.push('upstream');
    throw new AppException(ErrorCode.CONNECT_UNREACHABLE, 'The Connect Server could not be reached');
  }
}

export interface ProbeApp {
  app: NestFastifyApplication;
  logs: LogCapture;
  http(): ReturnType<typeof request>;
  createTenant(): Promise<TestTenant>;
  createKey(tenant: TestTenant, role: 'admin' | 'operator' | 'auditor'): Promise<{ id: string; key: string }>;
  close(): Promise<void>;
}

/** The real AppModule plus the probe controller, built like createApp (adapter, request id header). */
export async function startProbeApp(env: Record<string, string | undefined> = {}): Promise<ProbeApp> {
  const logs = new LogCapture();
  @Module({
    imports: [AppModule.forRoot({ NODE_ENV: 'test', PLATFORM_API_KEY: TEST_PLATFORM_KEY, ENCRYPTION_KEYS: TEST_ENCRYPTION_KEYS, LOG_LEVEL: 'info', ...env }, logs)],
    controllers: [ProbeController],
  })
  class ProbeRootModule {}
  const adapter = new FastifyAdapter({ genReqId: requestIdFor, trustProxy: false, bodyLimit: 1024 * 1024 });
  const app = await NestFactory.create<NestFastifyApplication>(ProbeRootModule, adapter, { bufferLogs: true, abortOnError: false });
  app.useLogger(app.get(Logger));
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', (req, reply, done) => {
    reply.header(REQUEST_ID_HEADER, req.id);
    done();
  });
  await app.init();
  await fastify.ready();
  const http = () => request(app.getHttpServer());
  return {
    app,
    logs,
    http,
    async createTenant() {
      const res = await http().post('/v1/tenants').set('Authorization', `Bearer ${TEST_PLATFORM_KEY}`).send({ name: 'probe tenant' }).expect(201);
      return { id: res.body.tenant.id, adminKey: res.body.apiKey.key };
    },
    async createKey(tenant, role) {
      const res = await http().post('/v1/api-keys').set('Authorization', `Bearer ${tenant.adminKey}`).send({ name: `${role} key`, role }).expect(201);
      return { id: res.body.id, key: res.body.key };
    },
    close: () => app.close(),
  };
}
