import type { FactoryProvider } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { buildKeyRing } from './build-key-ring.util.js';
import { KeyRing } from './key-ring.js';

/** Built once at boot; a bad or missing key configuration fails the bootstrap. */
export const keyRingProvider: FactoryProvider<KeyRing> = {
  provide: KeyRing,
  inject: [AppConfig],
  useFactory: (config: AppConfig) => buildKeyRing(config),
};
