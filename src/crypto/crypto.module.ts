import { Module } from '@nestjs/common';
import { EnvelopeCipher } from './envelope-cipher.js';
import { KeyRing } from './key-ring.js';
import { keyRingProvider } from './key-ring.provider.js';

/** Envelope encryption of secrets at rest. Needs AppConfig (AppConfigModule is global). */
@Module({
  providers: [keyRingProvider, EnvelopeCipher],
  exports: [KeyRing, EnvelopeCipher],
})
export class CryptoModule {}
