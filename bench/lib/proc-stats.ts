import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

let clockTicks: number | undefined;

/** Clock ticks per second of /proc/<pid>/stat times (getconf CLK_TCK; 100 on Linux in practice). */
function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** User + system CPU time of a process so far, in microseconds (from /proc/<pid>/stat utime + stime). */
export function cpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start at field 3 (state).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) * 1_000_000) / ticksPerSecond();
}

/** Resident set size of a process in bytes (VmRSS of /proc/<pid>/status), 0 when it is gone. */
export function rssBytes(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Samples a process's RSS every `intervalMs` until stopped; `peak` is the largest sample. */
export class RssSampler {
  private timer: NodeJS.Timeout;
  readonly start: number;
  peak: number;
  samples = 0;

  constructor(
    private readonly pid: number,
    intervalMs = 100,
  ) {
    this.start = rssBytes(pid);
    this.peak = this.start;
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  sample(): void {
    const rss = rssBytes(this.pid);
    this.samples++;
    if (rss > this.peak) this.peak = rss;
  }

  stop(): { startBytes: number; peakBytes: number; endBytes: number; samples: number } {
    clearInterval(this.timer);
    this.sample();
    return { startBytes: this.start, peakBytes: this.peak, endBytes: rssBytes(this.pid), samples: this.samples };
  }
}

/** Pids of `pid`'s descendants (children, grandchildren, ...), from /proc/<pid>/task/<pid>/children. */
export function descendants(pid: number): number[] {
  const out: number[] = [];
  const walk = (parent: number) => {
    let children: string;
    try {
      children = readFileSync(`/proc/${parent}/task/${parent}/children`, 'utf8');
    } catch {
      return;
    }
    for (const child of children.trim().split(/\s+/).filter(Boolean).map(Number)) {
      out.push(child);
      walk(child);
    }
  };
  walk(pid);
  return out;
}

/**
 * CPU time (µs) `pids` used since `before` (from cpuByPid): a process started meanwhile counts whole, one that exited
 * meanwhile counts nothing (its time is gone from /proc), so never a negative figure.
 */
export function cpuSince(pids: number[], before: Map<number, number>): number {
  let total = 0;
  for (const [pid, micros] of cpuByPid(pids)) total += Math.max(0, micros - (before.get(pid) ?? 0));
  return total;
}

/** CPU time (µs) the processes below `root` used since `before` (cpuSince). */
export function descendantsCpuSince(root: number, before: Map<number, number>): number {
  return cpuSince(descendants(root), before);
}

/** Pids of the processes whose command name (`/proc/<pid>/comm`) is `name`: every process of a local Postgres, say. */
export function pidsNamed(name: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === name) pids.push(Number(entry));
    } catch {
      // exited
    }
  }
  return pids;
}

/** CPU time so far (µs) of each of `pids` still running. */
export function cpuByPid(pids: number[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const pid of pids) {
    try {
      out.set(pid, cpuMicros(pid));
    } catch {
      // exited
    }
  }
  return out;
}

/** Total CPU time (µs) of a set of processes; processes that are gone count 0. */
export function totalCpuMicros(pids: number[]): number {
  let total = 0;
  for (const pid of pids) {
    try {
      total += cpuMicros(pid);
    } catch {
      // exited
    }
  }
  return total;
}

/** Machine-wide busy CPU time so far (µs, every core: /proc/stat minus idle and iowait). */
export function machineBusyMicros(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0];
  const [, ...values] = line.trim().split(/\s+/);
  // user nice system idle iowait irq softirq steal
  const [user, nice, system, , , irq, softirq, steal] = values.map(Number);
  return ((user + nice + system + irq + softirq + steal) * 1_000_000) / ticksPerSecond();
}
