import { Module } from '@nestjs/common';
import { ConnectedAccountsModule } from '../connected-accounts/connected-accounts.module.js';
import { CryptoModule } from '../crypto/crypto.module.js';
import { IdempotencyStore } from './idempotency/idempotency.store.js';
import { ItemListingCache } from './item-listing.cache.js';
import { ItemsController } from './items.controller.js';
import { ItemsService } from './items.service.js';

/** Item actions. ItemsService is exported for the Wrk Actions catalog. */
@Module({
  imports: [ConnectedAccountsModule, CryptoModule],
  controllers: [ItemsController],
  providers: [ItemsService, IdempotencyStore, ItemListingCache],
  exports: [ItemsService],
})
export class ItemsModule {}
