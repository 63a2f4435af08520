import { createHmac } from 'node:crypto';

interface OtpParameters {
  secret: Buffer;
  algorithm: 'sha1' | 'sha256' | 'sha512';
  digits: number;
  period: number;
}

const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const ALGORITHMS: Record<string, OtpParameters['algorithm']> = { SHA1: 'sha1', SHA256: 'sha256', SHA512: 'sha512' };

function decodeBase32(text: string): Buffer | undefined {
  const clean = text.replace(/[\s=-]/g, '').toUpperCase();
  if (clean.length === 0) return undefined;
  const out: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const char of clean) {
    const index = BASE32_ALPHABET.indexOf(char);
    if (index < 0) return undefined;
    buffer = (buffer << 5) | index;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((buffer >> bits) & 0xff);
    }
  }
  return Buffer.from(out);
}

/** Reads an `otpauth://totp/...` URI, or a bare base32 secret as 1Password also accepts. */
function parseOtpValue(value: string): OtpParameters | undefined {
  if (!value.toLowerCase().startsWith('otpauth://')) {
    const secret = decodeBase32(value);
    return secret && { secret, algorithm: 'sha1', digits: 6, period: 30 };
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
  const period = Number(uri.searchParams.get('period') ?? 30);
  const valid = secret && algorithm && Number.isInteger(digits) && digits >= 6 && digits <= 10 && Number.isInteger(period) && period > 0;
  return valid ? { secret, algorithm, digits, period } : undefined;
}

/** The RFC 6238 code of an OTP field value at `epochMs`, or undefined when the value is not a TOTP secret. */
export function totpCode(value: string, epochMs: number): string | undefined {
  const params = parseOtpValue(value);
  if (!params) return undefined;
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(epochMs / 1000 / params.period)));
  const hmac = createHmac(params.algorithm, params.secret).update(counter).digest();
  const offset = hmac[hmac.length - 1] & 0x0f;
  const binary = hmac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** params.digits).padStart(params.digits, '0');
}
