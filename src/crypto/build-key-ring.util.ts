import { Logger, type LoggerService } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import { CryptoConfigException } from './crypto.exception.js';
import { loadOrCreateDevKey } from './dev-key.util.js';
import { KeyRing } from './key-ring.js';
import { parseKeyRing } from './parse-key-ring.util.js';

/** Id of the generated development key; list it in ENCRYPTION_KEYS to keep opening dev data. */
const DEV_KEY_ID = 'dev';

/**
 * The key ring from configuration. ENCRYPTION_KEYS wins; without it production refuses to start, and
 * development/embedded mode uses a key file under DATA_DIR, with a warning (never the key).
 */
export function buildKeyRing(
  config: Pick<AppConfig, 'encryption' | 'dataDir' | 'isProduction'>,
  logger: Pick<LoggerService, 'warn'> = new Logger('CryptoModule'),
): KeyRing {
  const { keys, primaryKeyId } = config.encryption;
  if (keys !== undefined && keys.trim() !== '') return parseKeyRing(keys, primaryKeyId);

  if (config.isProduction) {
    throw new CryptoConfigException(
      'ENCRYPTION_KEYS is required when NODE_ENV=production (comma-separated id:base64 of 32 random bytes)',
    );
  }
  if (primaryKeyId !== undefined && primaryKeyId !== DEV_KEY_ID) {
    throw new CryptoConfigException(`ENCRYPTION_PRIMARY_KEY_ID is "${primaryKeyId}" but ENCRYPTION_KEYS is not set`);
  }
  const { material, path, created } = loadOrCreateDevKey(config.dataDir);
  try {
    logger.warn(
      `ENCRYPTION_KEYS is not set: ${created ? 'generated' : 'using'} the development key-encryption key ${path} (id "${DEV_KEY_ID}"). ` +
        `Secrets stored now open only with that file. Not for production; to keep this data when setting ENCRYPTION_KEYS, ` +
        `list it as ${DEV_KEY_ID}:<file contents>.`,
    );
    return new KeyRing([{ id: DEV_KEY_ID, material }]);
  } finally {
    material.fill(0);
  }
}
