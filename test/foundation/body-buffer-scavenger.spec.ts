import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BodyBufferScavenger } from '../../src/common/memory/body-buffer-scavenger.js';

const KB = 1024;

/** Streams `chunks` chunks of `size` bytes through a pipe, watched the way ConnectClient watches a body. */
async function relay(scavenger: BodyBufferScavenger, chunks: number, size: number): Promise<number> {
  const source = Readable.from(Array.from({ length: chunks }, () => Buffer.alloc(size)), { objectMode: false });
  const sink = new PassThrough();
  let received = 0;
  sink.on('data', (chunk: Buffer) => (received += chunk.length));
  const done = pipeline(source, sink);
  scavenger.watch(source);
  await done;
  return received;
}

describe('BodyBufferScavenger', () => {
  it('runs one minor GC per everyBytes streamed, counting across streams', async () => {
    const minorGc = jest.fn();
    const scavenger = new BodyBufferScavenger({ minorGc, everyBytes: 256 * KB });

    expect(await relay(scavenger, 10, 64 * KB)).toBe(640 * KB);
    expect(minorGc).toHaveBeenCalledTimes(2); // 128 KB carried over

    await relay(scavenger, 2, 64 * KB);
    expect(minorGc).toHaveBeenCalledTimes(3);
    expect(scavenger.scavenges).toBe(3);
  });

  it('does nothing, and leaves the stream alone, without --expose-gc', async () => {
    const scavenger = new BodyBufferScavenger({ minorGc: undefined, everyBytes: 1 });
    const stream = new PassThrough();
    scavenger.watch(stream);
    expect(stream.listenerCount('data')).toBe(0);
    expect(stream.readableFlowing).toBeNull();
    expect(await relay(scavenger, 3, KB)).toBe(3 * KB);
    expect(scavenger.scavenges).toBe(0);
  });

  it('finds gc() only when node exposes it, and asks it for a minor GC', async () => {
    const exposed = globalThis.gc;
    const gc = jest.fn();
    let scavenger: BodyBufferScavenger;
    try {
      globalThis.gc = undefined;
      expect(BodyBufferScavenger.fromExposedGc()).toEqual(expect.objectContaining({ minorGc: undefined }));
      globalThis.gc = gc as unknown as NodeJS.GCFunction;
      scavenger = BodyBufferScavenger.fromExposedGc();
    } finally {
      globalThis.gc = exposed;
    }
    await relay(scavenger, 5, 1024 * KB); // the default: one per 2 MB
    expect(gc.mock.calls).toEqual([[{ type: 'minor' }], [{ type: 'minor' }]]);
  });
});
