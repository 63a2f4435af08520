import type { ArgumentsHost } from '@nestjs/common';
import type { HttpAdapterHost } from '@nestjs/core';
import { QueryFailedError } from 'typeorm';
import { AllExceptionsFilter } from '../../src/common/errors/all-exceptions.filter.js';

/** Runs the filter on `exception` and returns what it answered. */
function answer(exception: unknown) {
  const sent: { body?: unknown; status?: number; headers: Record<string, string> } = { headers: {} };
  const adapterHost = {
    httpAdapter: {
      setHeader: (_response: unknown, name: string, value: string) => (sent.headers[name] = value),
      reply: (_response: unknown, body: unknown, status: number) => Object.assign(sent, { body, status }),
    },
  } as unknown as HttpAdapterHost;
  const request = { id: 'req-1', raw: {} };
  const host = { switchToHttp: () => ({ getRequest: () => request, getResponse: () => ({}) }) } as unknown as ArgumentsHost;
  new AllExceptionsFilter(adapterHost).catch(exception, host);
  return sent;
}

describe('AllExceptionsFilter', () => {
  it('answers 503 SERVICE_UNAVAILABLE, not 500, when the database cannot be reached', () => {
    const lost = [
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
      new QueryFailedError('SELECT 1', [], Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' })),
      new Error('Connection terminated unexpectedly'),
      new Error('timeout exceeded when trying to connect'),
    ];
    for (const exception of lost) {
      const sent = answer(exception);
      expect(sent.status).toBe(503);
      expect(sent.body).toEqual({ error: { code: 'SERVICE_UNAVAILABLE', message: 'The database is unavailable; try again shortly', requestId: 'req-1' } });
      expect(sent.headers).toEqual({ 'Retry-After': '1' });
    }
  });

  it('keeps any other unexpected error a bare 500 with the request id', () => {
    for (const exception of [new Error('boom'), new QueryFailedError('SELECT 1', [], Object.assign(new Error('syntax error'), { code: '42601' }))]) {
      expect(answer(exception)).toMatchObject({ status: 500, body: { error: { code: 'INTERNAL_ERROR', message: 'Internal error', requestId: 'req-1' } } });
    }
  });
});
