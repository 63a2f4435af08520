import type { Writable } from 'node:stream';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module.js';
import { loadEnvironment } from './config/load-environment.js';
import { REQUEST_ID_HEADER, requestIdFor } from './common/http/request-id.js';
import { securityHeaders } from './common/http/security-headers.js';
import { setupSwagger } from './common/http/setup-swagger.js';

// Large enough for any item; file uploads do not exist in Connect.
const BODY_LIMIT_BYTES = 1024 * 1024;

export interface CreateAppOptions {
  env?: Record<string, string | undefined>;
  /** Where JSON log lines go instead of stdout (tests capture them to prove no secret is logged). */
  logStream?: Writable;
}

/** Builds the real application: used by main.ts, the e2e tests and the benchmark alike. */
export async function createApp(options: CreateAppOptions = {}): Promise<NestFastifyApplication> {
  // Fail fast, before Nest starts anything, with every bad variable named.
  loadEnvironment(options.env);
  const adapter = new FastifyAdapter({
    genReqId: requestIdFor,
    bodyLimit: BODY_LIMIT_BYTES,
    // Titles may stand where ids do (?by=title); Fastify's default of 100 would answer them with its own 414.
    routerOptions: { maxParamLength: 2048 },
    trustProxy: false,
    return503OnClosing: true,
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(options.env, options.logStream), adapter, {
    bufferLogs: true,
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  const fastify = app.getHttpAdapter().getInstance();
  // Security headers (helmet's, computed once: see security-headers.ts) and the request id, in one synchronous hook.
  const headers = await securityHeaders({
    contentSecurityPolicy: {
      directives: {
        // Swagger UI's scripts are files under /docs (no inline script); it does use inline styles and data: images.
        'script-src': ["'self'"],
        'style-src': ["'self'", "'unsafe-inline'"],
        'img-src': ["'self'", 'data:'],
        // Helmet's default upgrades /docs' own files to https, which breaks Swagger UI whenever it is opened over
        // plain HTTP on any host but localhost (docker compose, a VM); behind TLS it changes nothing.
        'upgrade-insecure-requests': null,
      },
    },
  });
  fastify.addHook('onRequest', (request, reply, done) => {
    const raw = reply.raw;
    for (const [name, value] of headers) raw.setHeader(name, value);
    reply.header(REQUEST_ID_HEADER, request.id);
    done();
  });
  setupSwagger(app);
  await app.init();
  return app;
}
