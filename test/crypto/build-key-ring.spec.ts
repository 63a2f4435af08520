import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildKeyRing } from '../../src/crypto/build-key-ring.util.js';
import { CryptoConfigException } from '../../src/crypto/crypto.exception.js';
import { EnvelopeCipher } from '../../src/crypto/envelope-cipher.js';
import { PlaintextSecret } from '../../src/crypto/plaintext-secret.js';

type Config = Parameters<typeof buildKeyRing>[0];

describe('buildKeyRing', () => {
  let root: string;
  let warnings: string[];
  const logger = { warn: (message: unknown) => void warnings.push(String(message)) };
  const config = (over: Partial<{ keys: string; primaryKeyId: string; isProduction: boolean; dataDir: string }> = {}): Config => ({
    encryption: { keys: over.keys, primaryKeyId: over.primaryKeyId },
    isProduction: over.isProduction ?? false,
    // Nested and missing on purpose: the folder must be created.
    dataDir: over.dataDir ?? join(root, 'nested', 'data'),
  });

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'crypto-key-ring-'));
    warnings = [];
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('uses ENCRYPTION_KEYS when set, without touching DATA_DIR or warning', () => {
    const ring = buildKeyRing(config({ keys: `k1:${randomBytes(32).toString('base64')}` }), logger);
    expect(ring.ids()).toEqual(['k1']);
    expect(existsSync(join(root, 'nested'))).toBe(false);
    expect(warnings).toEqual([]);
  });

  it('refuses to start in production without keys, with a clear message', () => {
    expect(() => buildKeyRing(config({ isProduction: true }), logger)).toThrow(CryptoConfigException);
    expect(() => buildKeyRing(config({ isProduction: true }), logger)).toThrow(
      /ENCRYPTION_KEYS is required when NODE_ENV=production/,
    );
    expect(() => buildKeyRing(config({ isProduction: true, keys: ' ' }), logger)).toThrow(/ENCRYPTION_KEYS is required/);
    expect(existsSync(join(root, 'nested'))).toBe(false);
  });

  it('in development generates the key file once (mode 0600) and reuses it', () => {
    const first = buildKeyRing(config(), logger);
    const file = join(root, 'nested', 'data', 'encryption-key.dev');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const content = readFileSync(file, 'utf8');
    expect(Buffer.from(content.trim(), 'base64')).toHaveLength(32);
    expect(first.ids()).toEqual(['dev']);

    const context = { tenantId: 't', accountId: 'a', purpose: 'p' };
    const sealed = new EnvelopeCipher(first).seal(new PlaintextSecret('dev-secret'), context);
    const second = buildKeyRing(config(), logger);
    expect(readFileSync(file, 'utf8')).toBe(content);
    expect(new EnvelopeCipher(second).open(sealed, context).reveal()).toBe('dev-secret');
    // No temp files left behind.
    expect(readdirSync(join(root, 'nested', 'data'))).toEqual(['encryption-key.dev']);

    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/ENCRYPTION_KEYS is not set: generated the development key-encryption key .*encryption-key\.dev/);
    expect(warnings[1]).toMatch(/using the development key/);
    for (const warning of warnings) {
      expect(warning).not.toContain(content.trim());
      expect(warning).not.toContain(content.trim().slice(0, 12));
    }
  });

  it('tightens a key file that was left readable by others', () => {
    buildKeyRing(config(), logger);
    const file = join(root, 'nested', 'data', 'encryption-key.dev');
    chmodSync(file, 0o644);
    buildKeyRing(config(), logger);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('refuses a corrupt key file without echoing it', () => {
    const dataDir = join(root, 'data');
    buildKeyRing(config({ dataDir }), logger);
    writeFileSync(join(dataDir, 'encryption-key.dev'), 'c2hvcnQta2V5LW1hdGVyaWFs\n');
    expect(() => buildKeyRing(config({ dataDir }), logger)).toThrow(/does not hold 32 bytes of base64/);
    try {
      buildKeyRing(config({ dataDir }), logger);
    } catch (error) {
      expect((error as Error).message).not.toContain('c2hvcnQta2V5');
    }
  });

  it('refuses a primary key id that cannot exist without ENCRYPTION_KEYS', () => {
    expect(() => buildKeyRing(config({ primaryKeyId: 'k2' }), logger)).toThrow(/ENCRYPTION_PRIMARY_KEY_ID is "k2"/);
  });
});
