import { Injectable } from '@nestjs/common';
import type { Readable } from 'node:stream';

export interface BodyBufferScavengerOptions {
  /** A young-generation GC (`gc({ type: 'minor' })` under `node --expose-gc`); undefined: the scavenger does nothing. */
  minorGc?: () => void;
  /** Streamed bytes, across all watched streams, between two scavenges. */
  everyBytes?: number;
}

/**
 * Keeps a streamed download from piling up body buffers. Each body chunk (a view of one socket read, up to 64 KB)
 * is memory outside the V8 heap, freed only once a scavenge collects the small JS object holding it; relaying a
 * file allocates so little JS that V8 scavenged only when those buffers reached its 64 MB external-memory limit. A 100 MB download then
 * grew RSS by 52–54 MB and ran at 47–56% of direct throughput (page faults on fresh memory).
 * Every 2 MB, because with the old generation allowed only 30% growth (`npm start`) the buffers that 8 MB let
 * pile up set off a full mark-compact every 30 MB or so. Per 100 MB download (bench, download only, two runs
 * each): every 8 MB, 21 mark-compacts, 298–330 ms of CPU, RSS +32–38 MB; every 2 MB, 1–2, 103–118 ms, +10 MB.
 */
@Injectable()
export class BodyBufferScavenger {
  private readonly minorGc: (() => void) | undefined;
  private readonly everyBytes: number;
  private sinceLast = 0;
  scavenges = 0;

  constructor(options: BodyBufferScavengerOptions = {}) {
    this.minorGc = options.minorGc;
    this.everyBytes = options.everyBytes ?? 2 * 1024 * 1024;
  }

  /** Counts the stream's chunks as they flow; attach after it is piped, as a 'data' listener starts the flow. */
  watch(stream: Readable): void {
    if (!this.minorGc) return;
    const minorGc = this.minorGc;
    stream.on('data', (chunk: Buffer) => {
      this.sinceLast += chunk.length;
      if (this.sinceLast < this.everyBytes) return;
      this.sinceLast -= this.everyBytes;
      this.scavenges++;
      minorGc();
    });
  }

  /** Scavenges with `globalThis.gc` when node runs with --expose-gc; otherwise does nothing. */
  static fromExposedGc(): BodyBufferScavenger {
    const gc = globalThis.gc;
    return new BodyBufferScavenger({ minorGc: gc ? () => gc({ type: 'minor' }) : undefined });
  }
}
