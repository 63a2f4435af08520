import { Module } from '@nestjs/common';
import { ConnectedAccountsModule } from '../connected-accounts/connected-accounts.module.js';
import { FilesModule } from '../files/files.module.js';
import { ItemsModule } from '../items/items.module.js';
import { VaultsModule } from '../vaults/vaults.module.js';
import { ActionCatalog } from './action-catalog.js';
import { ActionRunner } from './action-runner.js';
import { ActionsController } from './actions.controller.js';

/**
 * The Wrk Actions catalog: GET /v1/actions (every action with JSON Schemas of its input and output) and
 * POST /v1/actions/{key}/run, which runs the same service methods as the REST routes. The actions are
 * listed in action-definitions.ts.
 */
@Module({
  imports: [ConnectedAccountsModule, VaultsModule, ItemsModule, FilesModule],
  controllers: [ActionsController],
  providers: [ActionCatalog, ActionRunner],
})
export class ActionsModule {}
