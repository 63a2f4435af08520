import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { getHeapSpaceStatistics, getHeapStatistics } from 'node:v8';
import { compactingGc } from './compacting-gc.js';

/** What the compactor reads of the process; replaced in tests. */
export interface HeapProbe {
  /** CPU time used by the process so far, µs. */
  cpuMicros(): number;
  /** Heap V8 holds beyond what live objects use, bytes. */
  slackBytes(): number;
  /** The part of it in the old generation's pages, bytes. */
  oldSlackBytes(): number;
}

export interface IdleHeapCompactorOptions {
  /** A full GC (`globalThis.gc` under `node --expose-gc`); undefined: the compactor does nothing. */
  gc?: () => void;
  /** A full GC that also empties every old-generation page with free space (`compactingGc`); undefined: none. */
  compactingGc?: () => void;
  probe?: HeapProbe;
  checkEveryMs?: number;
  /** Below this share of one core over a check interval, the process is idle. */
  idleCpuShare?: number;
  /** Idle intervals in a row before compacting: a GC just after work frees less. */
  idleIntervals?: number;
  /** Slack below which a GC is not worth its pause. */
  minSlackBytes?: number;
  /** Old-generation slack below which moving every live object is not worth its pause. */
  minOldSlackBytes?: number;
}

/** Idle-period GCs that leave most of the unused heap before the compactor waits for the service to have been busy again. */
const MAX_FRUITLESS_GCS = 5;
/** From the full GC that handed memory back to the compacting one: by then the pages it emptied are unmapped. */
const COMPACT_AFTER_MS = 1_000;

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
  oldSlackBytes: () => {
    const old = getHeapSpaceStatistics().find((space) => space.space_name === 'old_space');
    return old ? old.space_size - old.space_used_size : 0;
  },
};

/**
 * Hands memory back once the service goes idle: a full GC after three 3 s intervals with next to no CPU use, if V8
 * holds much more heap than it uses, then none until the service has been busy again. V8's own memory reducer did
 * not do it here: an idle service stayed at 157 MB RSS for 36 s after boot, and one GC took it to 125 MB (heap
 * 82 → 51 MB). One GC often leaves V8's grown young generation (32 MB) in place, or part of the old one (seen after
 * boot and after an audit export): while it has not halved the unused heap, the next check tries again, five times
 * at most; after an export the third try had shrunk both (RSS 223 → 132 MB).
 * Why 3 s: V8 shrinks its young generation only in a GC that follows at least 5 s of GCs that saw little
 * allocation. After a boot that ended with many young objects, the first GC cannot, and with 5 s checks the second
 * came 4.96 s later (the timer's drift): the third, 10 s after the first, shrank it, 20 s after the service was
 * listening. With 3 s checks the third GC comes 6 s after the first (boots on an embedded Postgres: the young
 * generation released 9-15 s after listening in 10 of 10, against 9-21 s with 5 s checks).
 * Last, a second later, one compacting GC if the old generation still holds 4 MB or more it does not use: V8's
 * own GCs left 45-47 MB of old space for 38 MB of live objects after boot. It moves every live object off a page
 * with free space, so it takes about 150 ms and, until the emptied pages are unmapped, RSS grows by the live old
 * generation (38-46 MB): last, because then the rest has already been handed back (compacting at the first GC, a
 * service idle after load peaked at 218 MB). The pauses only ever fall in an idle interval.
 */
@Injectable()
export class IdleHeapCompactor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Memory');
  private readonly gc: (() => void) | undefined;
  private readonly compactingGc: (() => void) | undefined;
  private readonly probe: HeapProbe;
  private readonly checkEveryMs: number;
  private readonly idleCpuShare: number;
  private readonly idleIntervals: number;
  private readonly minSlackBytes: number;
  private readonly minOldSlackBytes: number;
  private timer: NodeJS.Timeout | undefined;
  private compactTimer: NodeJS.Timeout | undefined;
  private lastCpu = 0;
  private lastAt = 0;
  private idleStreak = 0;
  /** Where this idle period stands: full GCs, then one compacting GC, then nothing until the service was busy. */
  private phase: 'collect' | 'compact' | 'done' = 'collect';
  /** GCs in this idle period that left at least half of the unused heap in place. */
  private fruitless = 0;
  compactions = 0;

  constructor(options: IdleHeapCompactorOptions = {}) {
    this.gc = options.gc;
    this.compactingGc = options.compactingGc;
    this.probe = options.probe ?? processProbe;
    this.checkEveryMs = options.checkEveryMs ?? 3_000;
    this.idleCpuShare = options.idleCpuShare ?? 0.05;
    this.idleIntervals = options.idleIntervals ?? 3;
    this.minSlackBytes = options.minSlackBytes ?? 8 * 1024 * 1024;
    this.minOldSlackBytes = options.minOldSlackBytes ?? 4 * 1024 * 1024;
  }

  onApplicationBootstrap(): void {
    if (!this.gc) {
      this.logger.debug('node runs without --expose-gc: idle heap compaction is off');
      return;
    }
    const gc = this.gc;
    this.lastCpu = this.probe.cpuMicros();
    this.lastAt = Date.now();
    this.timer = setInterval(() => this.check(gc), this.checkEveryMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
    clearTimeout(this.compactTimer);
    this.timer = undefined;
    this.compactTimer = undefined;
  }

  private check(gc: () => void): void {
    const cpu = this.probe.cpuMicros();
    const now = Date.now();
    const busyShare = (cpu - this.lastCpu) / 1000 / Math.max(1, now - this.lastAt);
    this.lastCpu = cpu;
    this.lastAt = now;
    if (busyShare > this.idleCpuShare) {
      this.phase = 'collect';
      this.idleStreak = 0;
      this.fruitless = 0;
      return;
    }
    if (this.phase === 'done' || ++this.idleStreak < this.idleIntervals) return;
    if (this.phase === 'collect') {
      if (this.collect(gc)) this.compactTimer = setTimeout(() => this.check(gc), COMPACT_AFTER_MS).unref();
    } else {
      this.compact();
    }
    // The GC's own CPU must not make the next interval look busy.
    this.lastCpu = this.probe.cpuMicros();
    this.lastAt = Date.now();
  }

  /** True when done: the next step is the compaction. */
  private collect(gc: () => void): boolean {
    const slack = this.probe.slackBytes();
    if (slack >= this.minSlackBytes) {
      this.compactions++;
      gc();
      const after = this.probe.slackBytes();
      this.logger.debug(`idle: full GC, heap slack ${mb(slack)} → ${mb(after)} MB`);
      // V8 often keeps its grown young generation (or part of the old) through one GC: then again at the next idle check.
      if (after > slack / 2 && ++this.fruitless < MAX_FRUITLESS_GCS) return false;
    }
    this.phase = 'compact';
    return true;
  }

  private compact(): void {
    this.phase = 'done';
    const oldSlack = this.probe.oldSlackBytes();
    if (!this.compactingGc || oldSlack < this.minOldSlackBytes) return;
    this.compactions++;
    this.compactingGc();
    this.logger.debug(`idle: compacting GC, old-generation slack ${mb(oldSlack)} → ${mb(this.probe.oldSlackBytes())} MB`);
  }

  /** Collects with `globalThis.gc`, then compacts with it, when node runs with --expose-gc. */
  static fromExposedGc(): IdleHeapCompactor {
    const gc = globalThis.gc;
    return new IdleHeapCompactor(gc ? { gc, compactingGc: compactingGc(gc) } : {});
  }
}
