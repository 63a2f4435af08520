import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ApiKeyAuthGuard } from './api-key-auth.guard.js';
import { ApiKeyAuthHooks } from './api-key-auth.hooks.js';
import { ApiKeyAuthenticator } from './api-key-authenticator.js';
import { BearerCredentials } from './bearer-credentials.js';
import { ApiKeysController } from './api-keys.controller.js';
import { ApiKeysService } from './api-keys.service.js';

@Module({
  controllers: [ApiKeysController],
  providers: [ApiKeysService, ApiKeyAuthenticator, BearerCredentials, ApiKeyAuthHooks, { provide: APP_GUARD, useClass: ApiKeyAuthGuard }],
  exports: [ApiKeysService],
})
export class ApiKeysModule {}
