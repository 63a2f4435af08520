import { Test } from '@nestjs/testing';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppConfigModule } from '../../src/config/app-config.module.js';
import { CryptoModule } from '../../src/crypto/crypto.module.js';
import { EnvelopeCipher } from '../../src/crypto/envelope-cipher.js';
import { KeyRing } from '../../src/crypto/key-ring.js';
import { PlaintextSecret } from '../../src/crypto/plaintext-secret.js';

describe('CryptoModule', () => {
  let dataDir: string;
  beforeEach(() => (dataDir = mkdtempSync(join(tmpdir(), 'crypto-module-'))));
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  const compile = (env: Record<string, string | undefined>) =>
    Test.createTestingModule({
      imports: [AppConfigModule.forRoot({ DATA_DIR: dataDir, ENCRYPTION_KEYS: undefined, ENCRYPTION_PRIMARY_KEY_ID: undefined, ...env }), CryptoModule],
    }).compile();

  it('builds the key ring from AppConfig and injects it into the cipher', async () => {
    const keys = `k1:${randomBytes(32).toString('base64')},k2:${randomBytes(32).toString('base64url')}`;
    const moduleRef = await compile({ NODE_ENV: 'production', ENCRYPTION_KEYS: keys, ENCRYPTION_PRIMARY_KEY_ID: 'k1' });
    expect(moduleRef.get(KeyRing).primary.id).toBe('k1');
    const cipher = moduleRef.get(EnvelopeCipher);
    const context = { tenantId: 't', accountId: 'a', purpose: 'connect-token' };
    const sealed = cipher.seal(new PlaintextSecret('token'), context);
    expect(sealed.keyId).toBe('k1');
    expect(cipher.open(sealed, context).reveal()).toBe('token');
    await moduleRef.close();
  });

  it('fails to boot in production without keys', async () => {
    await expect(compile({ NODE_ENV: 'production' })).rejects.toThrow(/ENCRYPTION_KEYS is required when NODE_ENV=production/);
  });

  it('boots in development with a generated key', async () => {
    const moduleRef = await compile({ NODE_ENV: 'development' });
    expect(moduleRef.get(KeyRing).ids()).toEqual(['dev']);
    await moduleRef.close();
  });
});
