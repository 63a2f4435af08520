import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { CryptoConfigException } from './crypto.exception.js';

const DEV_KEY_FILE_NAME = 'encryption-key.dev';

const KEY_32_BYTES = /^[A-Za-z0-9+/_-]{43}=?$/;

/**
 * Development/embedded mode only: the key-encryption key kept in `<dataDir>/encryption-key.dev`
 * (base64, mode 0600), generated on first use. Never call this in production.
 */
export function loadOrCreateDevKey(dataDir: string): { material: Buffer; path: string; created: boolean } {
  const path = join(dataDir, DEV_KEY_FILE_NAME);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const existing = readDevKey(path);
  if (existing) return { material: existing, path, created: false };

  // Write a private temp file, then hard-link it into place: link fails if the file appeared meanwhile,
  // so two processes starting together agree on one key and nobody reads a half-written file.
  const material = randomBytes(32);
  const temp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const fd = openSync(temp, 'wx', 0o600);
  try {
    writeSync(fd, `${material.toString('base64')}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(temp, path);
    return { material, path, created: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    material.fill(0);
    const winner = readDevKey(path);
    if (!winner) throw new CryptoConfigException(`Development key file ${path} disappeared while it was being created`);
    return { material: winner, path, created: false };
  } finally {
    unlinkSync(temp);
  }
}

function readDevKey(path: string): Buffer | undefined {
  let content: string;
  try {
    content = readFileSync(path, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  if (!KEY_32_BYTES.test(content)) {
    throw new CryptoConfigException(`Development key file ${path} does not hold 32 bytes of base64; fix or delete it`);
  }
  // Someone may have copied it with a looser mode; it is a key, keep it private.
  if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
  return Buffer.from(content, 'base64');
}
