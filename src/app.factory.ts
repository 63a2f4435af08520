import type { Writable } from 'node:stream';
import { NestFactory } from '@nestjs/core';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module.js';
import { loadEnvironment } from './config/load-environment.js';
import { AppException } from './common/errors/app-exception.js';
import { ErrorCode } from './common/errors/error-code.enum.js';
import { clientErrorHandler } from './common/http/client-errors.js';
import { JSON_PATCH_MEDIA_TYPE, parseJsonBody, parseJsonPatchBody } from './common/http/json-body.parser.js';
import { REQUEST_ID_HEADER, requestIdFor } from './common/http/request-id.js';
import { answerRouterRejection } from './common/http/router-rejections.js';
import { securityHeaders } from './common/http/security-headers.js';
import { setupSwagger } from './common/http/setup-swagger.js';

// Large enough for any item; file uploads do not exist in Connect.
const BODY_LIMIT_BYTES = 1024 * 1024;
const MAX_PARAM_LENGTH = 2048;

/** What every request is refused for before anything else, if anything. */
function refusedAtTheDoor(request: FastifyRequest, closing: boolean): AppException | undefined {
  // A request that arrives on a kept-alive connection while in-flight requests drain: retried elsewhere.
  if (closing) return new AppException(ErrorCode.SERVICE_UNAVAILABLE, 'The service is shutting down; retry the request', undefined, { Connection: 'close' });
  // RFC 9112 §3.2: an HTTP/1.1 request without Host is a 400; here, in the envelope and the audit log.
  if (request.raw.httpVersion === '1.1' && request.headers.host === undefined) return new AppException(ErrorCode.MALFORMED_REQUEST, 'An HTTP/1.1 request needs a Host header');
  return undefined;
}

export interface CreateAppOptions {
  env?: Record<string, string | undefined>;
  /** Where JSON log lines go instead of stdout (tests capture them to prove no secret is logged). */
  logStream?: Writable;
}

/** Builds the real application: used by main.ts, the e2e tests and the benchmark alike. */
export async function createApp(options: CreateAppOptions = {}): Promise<NestFastifyApplication> {
  // Fail fast, before Nest starts anything, with every bad variable named.
  loadEnvironment(options.env);
  // Security headers (helmet's, computed once: see security-headers.ts) and the request id, set by one synchronous hook.
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
  const setResponseHeaders = (request: FastifyRequest, reply: FastifyReply) => {
    const raw = reply.raw;
    for (const [name, value] of headers) raw.setHeader(name, value);
    reply.header(REQUEST_ID_HEADER, request.id);
  };
  const adapter = new FastifyAdapter({
    genReqId: requestIdFor,
    bodyLimit: BODY_LIMIT_BYTES,
    // Titles may stand where ids do (?by=title); Fastify's default of 100 would answer them with URL_TOO_LONG.
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    // Requests the router refuses before any hook runs (see router-rejections.ts).
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      setResponseHeaders(request, reply);
      void answerRouterRejection(error, request, reply, MAX_PARAM_LENGTH);
    },
    // What Node's HTTP parser refuses, before any request exists (see client-errors.ts).
    clientErrorHandler: clientErrorHandler(headers),
    // Node would answer a request without Host itself, with an empty 400 and before any hook: checked below instead.
    http: { requireHostHeader: false },
    trustProxy: false,
    // Fastify's own 503 while closing comes before any hook (no envelope, no audit record): answered below instead.
    return503OnClosing: false,
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(options.env, options.logStream), adapter, {
    bufferLogs: true,
    abortOnError: false,
    // Nest's defaults would also parse form bodies (an API key could be created from a form post); JSON only, below.
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  // Every JSON body goes through one parser (nesting depth, prototype keys: see json-body.parser.ts). No text/plain:
  // Fastify's parser for it would hand the validation pipe a bare string, as if it were a body.
  app.useBodyParser('application/json', { bodyLimit: BODY_LIMIT_BYTES }, parseJsonBody);
  app.useBodyParser(JSON_PATCH_MEDIA_TYPE, { bodyLimit: BODY_LIMIT_BYTES }, parseJsonPatchBody);
  const fastify = app.getHttpAdapter().getInstance();
  fastify.removeContentTypeParser('text/plain');
  let closing = false;
  fastify.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  fastify.addHook('onRequest', (request, reply, done) => {
    setResponseHeaders(request, reply);
    done(refusedAtTheDoor(request, closing));
  });
  setupSwagger(app);
  await app.init();
  return app;
}
