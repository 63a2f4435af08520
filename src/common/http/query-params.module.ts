import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { QueryParamsGuard } from './query-params.guard.js';

/** Global guards run in the order their modules are imported: AppModule imports this one after RateLimitsModule. */
@Module({ providers: [{ provide: APP_GUARD, useClass: QueryParamsGuard }] })
export class QueryParamsModule {}
