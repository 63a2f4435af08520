import { request, type OutgoingHttpHeader } from 'node:http';
import type { AddressInfo } from 'node:net';
import helmet, { type FastifyHelmetOptions } from '@fastify/helmet';
import { FastifyAdapter } from '@nestjs/platform-fastify';

export type SecurityHeaders = [name: string, value: OutgoingHttpHeader][];

/**
 * The headers @fastify/helmet sets with `options`, computed once. The plugin calls `helmet(options)` in its
 * onRequest hook, so every request rebuilds each of helmet's middlewares (and parses the CSP directives again)
 * to set headers that, for static options such as ours, never change (about 3% of a proxied request's CPU in
 * the benchmark's profile, see README "Performance"). Here @fastify/helmet itself answers one request on a
 * throwaway server bound to loopback, its headers are kept, and the application sets them in one synchronous
 * hook (src/app.factory.ts): the same headers with the same values, in the same order.
 */
export async function securityHeaders(options: FastifyHelmetOptions): Promise<SecurityHeaders> {
  const probe = new FastifyAdapter().getInstance();
  const captured: SecurityHeaders = [];
  try {
    await probe.register(helmet, options);
    // Runs after the plugin's own onRequest hooks: what is on the raw response by then is what helmet set.
    probe.addHook('onRequest', (_request, reply, done) => {
      for (const [name, value] of Object.entries(reply.raw.getHeaders())) if (value !== undefined) captured.push([name, value]);
      done();
    });
    probe.get('/', (_request, reply) => {
      reply.send('');
    });
    await probe.listen({ port: 0, host: '127.0.0.1' });
    const { port } = probe.server.address() as AddressInfo;
    await new Promise<void>((resolve, reject) => {
      request({ host: '127.0.0.1', port, path: '/', agent: false }, (response) => {
        response.resume();
        response.once('end', resolve);
        response.once('error', reject);
      })
        .once('error', reject)
        .end();
    });
  } finally {
    await probe.close();
  }
  if (captured.length === 0) throw new Error('@fastify/helmet set no header');
  return captured;
}
