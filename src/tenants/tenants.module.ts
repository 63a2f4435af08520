import { Module } from '@nestjs/common';
import { ApiKeysModule } from '../api-keys/api-keys.module.js';
import { DefaultTenantBootstrap } from './default-tenant.bootstrap.js';
import { TenantsController } from './tenants.controller.js';
import { TenantsService } from './tenants.service.js';

@Module({
  imports: [ApiKeysModule],
  controllers: [TenantsController],
  providers: [TenantsService, DefaultTenantBootstrap],
  exports: [TenantsService],
})
export class TenantsModule {}
