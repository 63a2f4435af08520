import { HttpModule } from '@nestjs/axios';
import { Module } from '@nestjs/common';
import { BodyBufferScavenger } from '../common/memory/body-buffer-scavenger.js';
import { ConnectClientFactory } from './connect-client.factory.js';

/**
 * Connect clients. `HttpModule.register` gives this module its own axios instance, so interceptors
 * installed on the global axios elsewhere never see requests that carry Connect tokens. ConnectClientFactory
 * empties that instance's defaults (each Connect call carries its whole config): it is for Connect calls only.
 * AppConfig comes from the global AppConfigModule.
 */
@Module({
  imports: [HttpModule.register({})],
  // `npm start` and the image run node with --expose-gc (README "Operating it", Memory).
  providers: [ConnectClientFactory, { provide: BodyBufferScavenger, useFactory: () => BodyBufferScavenger.fromExposedGc() }],
  exports: [ConnectClientFactory],
})
export class ConnectModule {}
