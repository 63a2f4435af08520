import { Module } from '@nestjs/common';
import { ConnectModule } from '../connect/connect.module.js';
import { CryptoModule } from '../crypto/crypto.module.js';
import { ConnectClientRegistry } from './connect-client.registry.js';
import { ConnectVerifier } from './connect-verifier.js';
import { ConnectedAccountsController } from './connected-accounts.controller.js';
import { ConnectedAccountsService } from './connected-accounts.service.js';
import { TokenKeyMaintenance } from './keys/token-key-maintenance.service.js';

/**
 * Connected accounts and their Connect clients. Modules that call Connect import this module and inject
 * `ConnectClientRegistry`, then `await registry.forPrincipal(principal, accountId)` on every request.
 */
@Module({
  imports: [CryptoModule, ConnectModule],
  controllers: [ConnectedAccountsController],
  providers: [ConnectedAccountsService, ConnectVerifier, ConnectClientRegistry, TokenKeyMaintenance],
  exports: [ConnectClientRegistry, ConnectedAccountsService],
})
export class ConnectedAccountsModule {}
