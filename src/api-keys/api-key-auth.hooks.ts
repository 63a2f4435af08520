import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import type { IncomingHttpHeaders } from 'node:http';
import type { ApiRequest } from '../common/http/api-request.js';
import { BearerCredentials, CREDENTIALS, SEND_A_KEY, unauthenticated } from './bearer-credentials.js';

/** Every route under it needs credentials (the public ones, health, docs and metrics, live outside). */
const AUTHENTICATED_PREFIX = '/v1/';

function hasBody(headers: IncomingHttpHeaders): boolean {
  return headers['transfer-encoding'] !== undefined || (headers['content-length'] !== undefined && headers['content-length'] !== '0');
}

/**
 * Authenticates a request that carries a body before the body is read (a Fastify preParsing hook, after the
 * onRequest hooks that set the response headers): without valid credentials it is refused with 401 at once,
 * instead of being read (up to 1 MiB) and parsed first; with them, the caller is known while the body arrives,
 * so an upload cut off midway is recorded with its actor. The route's policy is still ApiKeyAuthGuard's, with
 * the credentials resolved here. Requests without a body are left to the guard alone.
 */
@Injectable()
export class ApiKeyAuthHooks {
  constructor(adapterHost: HttpAdapterHost, credentials: BearerCredentials) {
    const fastify = adapterHost.httpAdapter?.getInstance?.() as FastifyInstance | undefined;
    if (!fastify || typeof fastify.addHook !== 'function') return;
    fastify.decorateRequest(CREDENTIALS, null);
    // Callback style: most requests (reads) carry no body and pass straight through, with no promise to settle.
    fastify.addHook('preParsing', (request, _reply, payload, done) => {
      // By the matched route, not the raw URL: the router also matches `/%761/...` and absolute-form targets.
      if (!hasBody(request.headers) || !request.routeOptions.url?.startsWith(AUTHENTICATED_PREFIX)) {
        done(null, payload);
        return;
      }
      credentials.of(request as ApiRequest).then(
        (resolved) => {
          if (resolved.kind === 'none') {
            done(unauthenticated(resolved.missing ? SEND_A_KEY : 'Unknown or revoked API key'));
            return;
          }
          if (resolved.kind === 'api-key') (request as ApiRequest).principal = resolved.principal;
          else (request as ApiRequest).platformPrincipal = { kind: 'platform' };
          done(null, payload);
        },
        (error: Error) => done(error),
      );
    });
  }
}
