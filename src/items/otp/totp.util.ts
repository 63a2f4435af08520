import { createHmac } from 'node:crypto';

export interface OtpParameters {
  secret: Buffer;
  algorithm: 'sha1' | 'sha256' | 'sha512';
  digits: number;
  period: number;
}

export const DEFAULT_OTP_PERIOD_SECONDS = 30;
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const ALGORITHMS: Record<string, OtpParameters['algorithm']> = { SHA1: 'sha1', SHA256: 'sha256', SHA512: 'sha512' };

function decodeBase32(text: string): Buffer | undefined {
  const clean = text.replace(/[\s=-]/g, '').toUpperCase();
  if (clean.length === 0) return undefined;
  const out: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const char of clean) {
    const index = BASE32.indexOf(char);
    if (index < 0) return undefined;
    buffer = ((buffer << 5) | index) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((buffer >> bits) & 0xff);
    }
  }
  return Buffer.from(out);
}

/** Reads an `otpauth://totp/...` URI (RFC 6238 parameters) or a bare base32 secret; undefined when neither. */
export function parseOtpValue(value: string | undefined): OtpParameters | undefined {
  if (!value) return undefined;
  if (!/^otpauth:\/\//i.test(value)) {
    const secret = decodeBase32(value);
    return secret && { secret, algorithm: 'sha1', digits: 6, period: DEFAULT_OTP_PERIOD_SECONDS };
  }
  let uri: URL;
  try {
    uri = new URL(value);
  } catch {
    return undefined;
  }
  if (uri.host.toLowerCase() !== 'totp') return undefined;
  const secret = decodeBase32(uri.searchParams.get('secret') ?? '');
  const algorithm = ALGORITHMS[(uri.searchParams.get('algorithm') ?? 'SHA1').toUpperCase()];
  const digits = Number(uri.searchParams.get('digits') ?? 6);
  const period = Number(uri.searchParams.get('period') ?? DEFAULT_OTP_PERIOD_SECONDS);
  const valid = secret && algorithm && Number.isInteger(digits) && digits >= 6 && digits <= 10 && Number.isInteger(period) && period > 0 && period <= 3600;
  return valid ? { secret, algorithm, digits, period } : undefined;
}

/** The period of an OTP field's value, 30 s when the value does not say (or cannot be read). */
export function otpPeriodOf(value: string | undefined): number {
  return parseOtpValue(value)?.period ?? DEFAULT_OTP_PERIOD_SECONDS;
}

/** RFC 6238 code at `epochMs`; used only when the Connect server sent no `totp` for the field. */
export function totpCode(params: OtpParameters, epochMs: number): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(epochMs / 1000 / params.period)));
  const hmac = createHmac(params.algorithm, params.secret).update(counter).digest();
  const offset = hmac[hmac.length - 1] & 0x0f;
  const binary = (hmac.readUInt32BE(offset) & 0x7fffffff) % 10 ** params.digits;
  return String(binary).padStart(params.digits, '0');
}

/** Seconds until the code of a `period`-second step changes, 1..period. */
export function secondsRemaining(period: number, epochMs: number): number {
  const elapsed = Math.floor(epochMs / 1000) % period;
  return period - elapsed;
}
