import { Module } from '@nestjs/common';
import { ConnectedAccountsModule } from '../connected-accounts/connected-accounts.module.js';
import { VaultsController } from './vaults.controller.js';
import { VaultsService } from './vaults.service.js';

/** Vault actions. VaultsService is exported for the Wrk Actions catalog. */
@Module({
  imports: [ConnectedAccountsModule],
  controllers: [VaultsController],
  providers: [VaultsService],
  exports: [VaultsService],
})
export class VaultsModule {}
