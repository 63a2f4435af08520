import 'reflect-metadata';
import { CanActivate, Controller, ExecutionContext, Get, INestApplication, Injectable, Module, Param } from '@nestjs/common';
import { APP_GUARD, NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import autocannon from 'autocannon';

/**
 * `npm run build && node dist/bench/compare-http-platforms.js`: the same minimal Nest app (a guard that checks a
 * bearer key, a route with a path parameter, a 2.5 KB JSON answer) on Express and on Fastify, each driven by
 * autocannon at c=32 in this process, alternating twice. Used once to choose the platform (README, "Design").
 */
const KEY = 'Bearer bench-key';
const ITEM = { id: 'x', title: 'db', fields: Array.from({ length: 30 }, (_, i) => ({ id: `f${i}`, label: `label ${i}`, value: 'v'.repeat(40) })) };

@Injectable()
class KeyGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    return context.switchToHttp().getRequest().headers.authorization === KEY;
  }
}

@Controller('v1/items')
class ItemsController {
  @Get(':id')
  get(@Param('id') id: string) {
    return { ...ITEM, id };
  }
}

@Module({ controllers: [ItemsController], providers: [{ provide: APP_GUARD, useClass: KeyGuard }] })
class BenchModule {}

async function measure(name: string, make: () => Promise<INestApplication>) {
  const app = await make();
  await app.listen(0, '127.0.0.1');
  const url = `${await app.getUrl()}/v1/items/abc`;
  const cpuBefore = process.cpuUsage();
  const result = await autocannon({ url, connections: 32, duration: 5, headers: { authorization: KEY } });
  const cpu = process.cpuUsage(cpuBefore);
  await app.close();
  // autocannon shares this process, so CPU/request includes the load generator: compare the two, not the absolutes.
  return { platform: name, reqPerS: Math.round(result.requests.average), p50ms: result.latency.p50, p99ms: result.latency.p99,
    cpuUsPerReqInclLoadGen: Math.round((cpu.user + cpu.system) / result.requests.total), non2xx: result.non2xx };
}

const rows = [];
for (let round = 0; round < 2; round++) {
  rows.push(await measure('express', () => NestFactory.create(BenchModule, new ExpressAdapter(), { logger: false })));
  rows.push(await measure('fastify', () => NestFactory.create(BenchModule, new FastifyAdapter(), { logger: false })));
}
console.table(rows);
