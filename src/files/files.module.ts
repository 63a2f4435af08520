import { Module } from '@nestjs/common';
import { ConnectedAccountsModule } from '../connected-accounts/connected-accounts.module.js';
import { FilesController } from './files.controller.js';
import { FilesService } from './files.service.js';

/** File actions. FilesService is exported for the Wrk Actions catalog. */
@Module({
  imports: [ConnectedAccountsModule],
  controllers: [FilesController],
  providers: [FilesService],
  exports: [FilesService],
})
export class FilesModule {}
