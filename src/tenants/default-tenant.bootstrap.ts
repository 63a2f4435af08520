import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { TenantsService } from './tenants.service.js';

/**
 * First embedded start: make a default tenant and print its admin key once, so a newcomer can call
 * the API straight away. Never runs against an external database, where tenants come from the platform.
 */
@Injectable()
export class DefaultTenantBootstrap implements OnApplicationBootstrap {
  constructor(
    private readonly config: AppConfig,
    private readonly tenants: TenantsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.database.embedded || (await this.tenants.anyExists())) return;
    const { tenant, apiKey } = await this.tenants.create('Default tenant');
    // stdout, not the logger: the key must be shown once to the person starting the service, and never logged.
    process.stdout.write(
      [
        '',
        '  A default tenant was created. Its admin API key (shown only now; store it):',
        `    ${apiKey.key}`,
        `  Tenant: ${tenant.id}`,
        `  Swagger UI: http://localhost:${this.config.port}/docs  (Authorize -> api-key)`,
        '',
      ].join('\n') + '\n',
    );
  }
}
