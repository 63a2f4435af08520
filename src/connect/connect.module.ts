import { HttpModule } from '@nestjs/axios';
import { Module } from '@nestjs/common';
import { ConnectClientFactory } from './connect-client.factory.js';

/**
 * Connect clients. `HttpModule.register` gives this module its own axios instance, so interceptors
 * installed on the global axios elsewhere never see requests that carry Connect tokens.
 * AppConfig comes from the global AppConfigModule.
 */
@Module({
  imports: [HttpModule.register({})],
  providers: [ConnectClientFactory],
  exports: [ConnectClientFactory],
})
export class ConnectModule {}
