import { HttpModule } from '@nestjs/axios';
import { Module } from '@nestjs/common';
import { ConnectClientFactory } from './connect-client.factory.js';

/**
 * Connect clients. `HttpModule.register` gives this module its own axios instance, so interceptors
 * installed on the global axios elsewhere never see requests that carry Connect tokens. ConnectClientFactory
 * empties that instance's defaults (each Connect call carries its whole config): it is for Connect calls only.
 * AppConfig comes from the global AppConfigModule.
 */
@Module({
  imports: [HttpModule.register({})],
  providers: [ConnectClientFactory],
  exports: [ConnectClientFactory],
})
export class ConnectModule {}
