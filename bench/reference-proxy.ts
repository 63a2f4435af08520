/**
 * The yardstick of ../shared/reference/performance.md, variant (e), rebuilt so the bench can run it beside the
 * service: the same machine at the same moment, which on a VM whose speed changes by 2× within an evening is
 * the only fair comparison. A bare Nest proxy on Fastify: a guard looks the Bearer key up in a Map, the route
 * calls upstream through `HttpService.axiosRef` (keep-alive agent, 64 sockets), writes one 12-column audit row
 * (two secondary indexes) through an adaptive group commit (flush on the next turn when fewer than 2 INSERTs
 * are in flight, else collect until one completes, 100 rows at most) and answers once the row is committed.
 * No validation, no encryption, no second audit record, no metrics, no rate limits: what the service must beat.
 *
 * Started by run-bench.ts with REF_PORT, REF_UPSTREAM_URL, REF_UPSTREAM_TOKEN, REF_API_KEY, REF_DATABASE_URL.
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { HttpModule, HttpService } from '@nestjs/axios';
import { Controller, Get, Injectable, Module, Param, Req, UnauthorizedException, UseGuards, type CanActivate, type ExecutionContext, type OnModuleDestroy } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import pg from 'pg';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

const settings = {
  port: Number(env('REF_PORT')),
  upstream: env('REF_UPSTREAM_URL'),
  upstreamToken: env('REF_UPSTREAM_TOKEN'),
  apiKey: env('REF_API_KEY'),
  databaseUrl: env('REF_DATABASE_URL'),
};

const TABLE = 'bench_reference_audit';
const COLUMNS = ['id', 'api_key', 'method', 'path', 'status', 'duration_ms', 'ip', 'user_agent', 'request_id', 'detail', 'recorded_at', 'upstream'] as const;
type Row = [string, string, string, string, number, number, string, string, string, string, Date, string];
const MAX_ROWS = 100;

@Injectable()
class AuditBatcher implements OnModuleDestroy {
  // Connections are kept: one closing mid-window would take its CPU time out of the bench's database figure.
  readonly pool = new pg.Pool({ connectionString: settings.databaseUrl, max: 10, idleTimeoutMillis: 0 });
  private queue: { row: Row; done: (error?: Error) => void }[] = [];
  private inFlight = 0;
  private scheduled = false;

  write(row: Row): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ row, done: (error) => (error ? reject(error) : resolve()) });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= 2 || this.queue.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    const batch = this.queue.splice(0, MAX_ROWS);
    if (batch.length === 0) return;
    this.inFlight++;
    const values: unknown[] = [];
    const tuples = batch.map(({ row }) => `(${row.map((value) => `$${values.push(value)}`).join(', ')})`);
    this.pool.query(`INSERT INTO ${TABLE} (${COLUMNS.join(', ')}) VALUES ${tuples.join(', ')}`, values).then(
      () => batch.forEach(({ done }) => done()),
      (error: Error) => batch.forEach(({ done }) => done(error)),
    ).finally(() => {
      this.inFlight--;
      this.schedule();
    });
    this.schedule();
  }

  async onModuleDestroy(): Promise<void> {
    await this.pool.end();
  }
}

@Injectable()
class KeyGuard implements CanActivate {
  private readonly keys = new Map([[settings.apiKey, 'bench']]);

  canActivate(context: ExecutionContext): boolean {
    const header = context.switchToHttp().getRequest<FastifyRequest>().headers.authorization ?? '';
    if (!header.startsWith('Bearer ') || !this.keys.has(header.slice(7))) throw new UnauthorizedException();
    return true;
  }
}

@Controller()
class ProxyController {
  constructor(
    private readonly http: HttpService,
    private readonly audit: AuditBatcher,
  ) {}

  @Get('v1/vaults/:vaultId/items/:itemId')
  @UseGuards(KeyGuard)
  async item(@Param('vaultId') vaultId: string, @Param('itemId') itemId: string, @Req() request: FastifyRequest): Promise<unknown> {
    const started = performance.now();
    const path = `/v1/vaults/${encodeURIComponent(vaultId)}/items/${encodeURIComponent(itemId)}`;
    const response = await this.http.axiosRef.get(settings.upstream + path, { headers: { Authorization: `Bearer ${settings.upstreamToken}` } });
    await this.audit.write([
      randomUUID(), 'bench', 'GET', path, response.status, performance.now() - started, request.ip, request.headers['user-agent'] ?? '',
      request.id, JSON.stringify({ vaultId, itemId }), new Date(), settings.upstream,
    ]);
    return response.data;
  }
}

@Module({
  imports: [HttpModule.register({ httpAgent: new http.Agent({ keepAlive: true, maxSockets: 64 }) })],
  controllers: [ProxyController],
  providers: [AuditBatcher, KeyGuard],
})
class ReferenceProxyModule {}

async function main(): Promise<void> {
  const setup = new pg.Client({ connectionString: settings.databaseUrl });
  await setup.connect();
  await setup.query(`CREATE TABLE IF NOT EXISTS ${TABLE} (
    id uuid PRIMARY KEY, api_key text NOT NULL, method text NOT NULL, path text NOT NULL, status int NOT NULL,
    duration_ms double precision NOT NULL, ip text, user_agent text, request_id text, detail jsonb, recorded_at timestamptz NOT NULL, upstream text)`);
  await setup.query(`CREATE INDEX IF NOT EXISTS ${TABLE}_recorded_at ON ${TABLE} (recorded_at)`);
  await setup.query(`CREATE INDEX IF NOT EXISTS ${TABLE}_api_key ON ${TABLE} (api_key, recorded_at)`);
  await setup.end();

  const app = await NestFactory.create<NestFastifyApplication>(ReferenceProxyModule, new FastifyAdapter(), { logger: ['error', 'warn'] });
  app.enableShutdownHooks();
  await app.listen(settings.port, '127.0.0.1');
  process.stdout.write(`reference proxy listening on http://127.0.0.1:${settings.port}\n`);
}

main().catch((error: Error) => {
  process.stderr.write(`reference proxy failed: ${error.message}\n`);
  process.exit(1);
});
