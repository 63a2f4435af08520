import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppException } from '../errors/app-exception.js';
import { ErrorCode } from '../errors/error-code.enum.js';

export type RouterRejectionListener = (request: FastifyRequest, reply: FastifyReply) => void;

const listeners = new WeakMap<FastifyInstance, RouterRejectionListener[]>();

/** Runs `listener` once a request refused by the router (see answerRouterRejection) has been answered. */
export function onRouterRejection(fastify: FastifyInstance, listener: RouterRejectionListener): void {
  listeners.set(fastify, [...(listeners.get(fastify) ?? []), listener]);
}

function exceptionFor(error: FastifyError, maxParamLength: number): Error {
  if (error.code === 'FST_ERR_BAD_URL') return new AppException(ErrorCode.MALFORMED_URL, 'The URL is not valid: a "%" must start a UTF-8 character escape such as %20');
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') return new AppException(ErrorCode.URL_TOO_LONG, `A path segment is longer than ${maxParamLength} characters`);
  // FST_ERR_ASYNC_CONSTRAINT: no route here has an asynchronous constraint; a generic 500 if one ever does.
  return error;
}

/**
 * Fastify's `frameworkErrors`: its router answers a URL with invalid percent-encoding (400) and an over-long path
 * parameter (414) itself, before any hook runs, with a body of its own that echoes the URL. Here they become
 * AppExceptions answered by the application's error handler (Nest's exception layer, so the one exception
 * filter and its envelope), and the listeners stand in for the onResponse hooks Fastify skips for them (the
 * audit log's records). The caller sets the response headers its onRequest hook would have.
 */
export async function answerRouterRejection(error: FastifyError, request: FastifyRequest, reply: FastifyReply, maxParamLength: number): Promise<void> {
  const server = request.server;
  await server.errorHandler.call(server, exceptionFor(error, maxParamLength) as FastifyError, request, reply);
  for (const listener of listeners.get(server) ?? []) listener(request, reply);
}
