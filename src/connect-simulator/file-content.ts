import { Readable } from 'node:stream';

const CHUNK_BYTES = 64 * 1024;
// Bound once: global lookups in hot loops are very slow inside Jest's vm sandbox.
const imul = Math.imul;

/** murmur3's 32-bit finaliser: cheap and well mixed, so any word of a generated file is computable on its own. */
function mix32(x: number): number {
  x ^= x >>> 16;
  x = imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = imul(x, 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/** Stable seed for a generated file, so its bytes do not depend on a randomly assigned id. */
export function seedFromName(name: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) hash = imul(hash ^ name.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

/**
 * The bytes of a file: either held once in memory (sliced, never copied, when streamed) or deterministic
 * pseudo-random bytes produced chunk by chunk, so a 100 MB benchmark file never exists as one buffer.
 */
export class FileContent {
  private constructor(
    readonly size: number,
    private readonly stored: Buffer | undefined,
    private readonly seed: number,
  ) {}

  static fromBytes(bytes: Uint8Array): FileContent {
    const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return new FileContent(buffer.length, buffer, 0);
  }

  static generated(size: number, seed: number): FileContent {
    if (!Number.isSafeInteger(size) || size < 0) throw new Error(`invalid generated file size ${size}`);
    return new FileContent(size, undefined, seed >>> 0);
  }

  /** The whole content, for inline base64 answers (bounded by the inline limit). */
  bytes(): Buffer {
    return this.slice(0, this.size);
  }

  /** Streams the first `limit` bytes in chunks, pulled on demand so socket backpressure is honoured. */
  stream(limit = this.size): Readable {
    return Readable.from(this.chunks(Math.min(limit, this.size)), { objectMode: false });
  }

  private *chunks(end: number): Generator<Buffer> {
    for (let offset = 0; offset < end; offset += CHUNK_BYTES) yield this.slice(offset, Math.min(offset + CHUNK_BYTES, end));
  }

  private slice(start: number, end: number): Buffer {
    if (this.stored) return this.stored.subarray(start, end);
    // Word-aligned generation; `start` is a multiple of the chunk size except for tests asking for the whole file.
    const firstWord = Math.floor(start / 4);
    const words = new Uint32Array(Math.ceil(end / 4) - firstWord);
    for (let i = 0; i < words.length; i++) words[i] = mix32(this.seed ^ imul(firstWord + i + 1, 0x9e3779b9));
    const skip = start - firstWord * 4;
    return Buffer.from(words.buffer, skip, end - start);
  }
}
