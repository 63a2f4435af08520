import { RequestMethod } from '@nestjs/common';
import type { Writable } from 'node:stream';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import { AppConfig } from '../../config/app-config.js';
import { REQUEST_ID_PROPERTY } from './request-id.js';

/** Keys whose values are secrets wherever they appear in a logged object. */
const SECRET_KEYS = ['authorization', 'connectToken', 'token', 'apiKey', 'key', 'password', 'value', 'content', 'secret', 'cookie'];

/**
 * A request line's URL with every query value replaced: a value can be a secret (a key pasted into `?key=`).
 * A parameter without `=` is taken as a value.
 */
export function redactQueryValues(url: string | undefined): string | undefined {
  const start = url?.indexOf('?') ?? -1;
  if (!url || start < 0) return url;
  const pairs = url.slice(start + 1).split('&').map((pair) => {
    const eq = pair.indexOf('=');
    return eq < 0 ? (pair === '' ? pair : '[REDACTED]') : `${pair.slice(0, eq)}=[REDACTED]`;
  });
  return `${url.slice(0, start + 1)}${pairs.join('&')}`;
}

/** Levels at which pino-http's request lines (written at `info`) are visible. */
const REQUEST_LINE_LEVELS = new Set(['trace', 'debug', 'info']);

/**
 * Structured JSON logs. Requests are logged by method, url (query values redacted), status and id only: headers and bodies never
 * reach a log line, and secret-named keys are censored anywhere in a logged object as a second guard.
 *
 * The request-logging middleware (a child logger and an AsyncLocalStorage context per request, run through
 * Fastify's middleware layer) is about a tenth of the service's CPU per request, so it is only mounted when its
 * lines can be seen. At `warn` and above, lines written during a request are not bound to its id; the one
 * that matters, the exception filter's unhandled-error line, names the request id itself.
 */
export function loggerOptions(config: AppConfig, stream?: Writable): Params {
  return {
    forRoutes: REQUEST_LINE_LEVELS.has(config.logLevel) ? [{ path: '*path', method: RequestMethod.ALL }] : [],
    pinoHttp: {
      stream,
      level: config.logLevel,
      genReqId: (req: IncomingMessage) => (req as unknown as Record<string, string>)[REQUEST_ID_PROPERTY],
      redact: { paths: SECRET_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`]), censor: '[REDACTED]' },
      serializers: {
        req: (req: IncomingMessage & { id?: string }) => ({ id: req.id, method: req.method, url: redactQueryValues(req.url) }),
        res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
      },
      customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : 'info'),
      quietReqLogger: true,
    },
  };
}
