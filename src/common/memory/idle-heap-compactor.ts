import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { getHeapStatistics } from 'node:v8';
import { compactingGc } from './compacting-gc.js';

/** What the compactor reads of the process; replaced in tests. */
export interface HeapProbe {
  /** CPU time used by the process so far, µs. */
  cpuMicros(): number;
  /** Heap V8 holds beyond what live objects use, bytes. */
  slackBytes(): number;
}

export interface IdleHeapCompactorOptions {
  /** A full GC that compacts the old generation (`compactingGc`); undefined: the compactor does nothing. */
  gc?: () => void;
  probe?: HeapProbe;
  checkEveryMs?: number;
  /** Below this share of one core over a check interval, the process is idle. */
  idleCpuShare?: number;
  /** Idle intervals in a row before compacting: a GC just after work frees less. */
  idleIntervals?: number;
  /** Slack below which a compaction is not worth its pause. */
  minSlackBytes?: number;
}

/** Idle-period GCs that leave most of the unused heap before the compactor waits for the service to have been busy again. */
const MAX_FRUITLESS_GCS = 5;

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

const processProbe: HeapProbe = {
  cpuMicros: () => {
    const { user, system } = process.cpuUsage();
    return user + system;
  },
  slackBytes: () => {
    const heap = getHeapStatistics();
    return heap.total_heap_size - heap.used_heap_size;
  },
};

/**
 * Hands memory back once the service goes idle: a compacting full GC after three 3 s intervals with next to no CPU
 * use, if V8 holds much more heap than it uses, then none until the service has been busy again. V8's own memory
 * reducer did not do it here: an idle service stayed at 157 MB RSS for 36 s after boot, and one GC took it to
 * 125 MB (heap 82 → 51 MB). One GC often leaves V8's grown young generation (32 MB) in place, or part of the old one
 * (seen after boot and after an audit export): while it has not halved the unused heap, the next check tries
 * again, five times at most; after an export the third try had shrunk both (RSS 223 → 132 MB). The pause (up to
 * about 200 ms) only ever falls in an idle interval.
 * Why 3 s: V8 shrinks its young generation only in a GC that follows at least 5 s of GCs that saw little
 * allocation. After a boot that ended with many young objects, the first GC cannot, and with 5 s checks the second
 * came 4.96 s later (the timer's drift): the third, 10 s after the first, shrank it, 20 s after the service was
 * listening. With 3 s checks the third GC comes 6 s after the first (boots on an embedded Postgres: the young
 * generation released 9-15 s after listening in 10 of 10, against 9-21 s with 5 s checks).
 */
@Injectable()
export class IdleHeapCompactor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Memory');
  private readonly gc: (() => void) | undefined;
  private readonly probe: HeapProbe;
  private readonly checkEveryMs: number;
  private readonly idleCpuShare: number;
  private readonly idleIntervals: number;
  private readonly minSlackBytes: number;
  private timer: NodeJS.Timeout | undefined;
  private lastCpu = 0;
  private idleStreak = 0;
  /** A compaction handed memory back (or ran out of tries) and the service has not been busy since. */
  private compacted = false;
  /** GCs in this idle period that left at least half of the unused heap in place. */
  private fruitless = 0;
  compactions = 0;

  constructor(options: IdleHeapCompactorOptions = {}) {
    this.gc = options.gc;
    this.probe = options.probe ?? processProbe;
    this.checkEveryMs = options.checkEveryMs ?? 3_000;
    this.idleCpuShare = options.idleCpuShare ?? 0.05;
    this.idleIntervals = options.idleIntervals ?? 3;
    this.minSlackBytes = options.minSlackBytes ?? 8 * 1024 * 1024;
  }

  onApplicationBootstrap(): void {
    if (!this.gc) {
      this.logger.debug('node runs without --expose-gc: idle heap compaction is off');
      return;
    }
    const gc = this.gc;
    this.lastCpu = this.probe.cpuMicros();
    this.timer = setInterval(() => this.check(gc), this.checkEveryMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private check(gc: () => void): void {
    const cpu = this.probe.cpuMicros();
    const busyShare = (cpu - this.lastCpu) / 1000 / this.checkEveryMs;
    this.lastCpu = cpu;
    if (busyShare > this.idleCpuShare) {
      this.compacted = false;
      this.idleStreak = 0;
      this.fruitless = 0;
      return;
    }
    if (this.compacted || ++this.idleStreak < this.idleIntervals) return;
    const slack = this.probe.slackBytes();
    if (slack < this.minSlackBytes) {
      // Nothing worth a pause until the service has been busy again.
      this.compacted = true;
      return;
    }
    this.compactions++;
    gc();
    const after = this.probe.slackBytes();
    // V8 often keeps its grown young generation (or part of the old) through one GC: then again at the next idle check.
    this.compacted = after <= slack / 2 || ++this.fruitless >= MAX_FRUITLESS_GCS;
    this.logger.debug(`idle: full GC, heap slack ${mb(slack)} → ${mb(after)} MB`);
    // The GC's own CPU must not make the next interval look busy.
    this.lastCpu = this.probe.cpuMicros();
  }

  /** Compacts with `globalThis.gc`, every old-generation page with free space, when node runs with --expose-gc. */
  static fromExposedGc(): IdleHeapCompactor {
    const gc = globalThis.gc;
    return new IdleHeapCompactor({ gc: gc ? compactingGc(gc) : undefined });
  }
}
