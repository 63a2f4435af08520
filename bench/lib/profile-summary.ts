import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileEntry {
  name: string;
  where: string;
  percent: number;
  ms: number;
}

export interface ProfileSummary {
  windowMs: number;
  busyMs: number;
  samples: number;
  /** Self time by function, % of busy (non-idle) time. */
  topSelf: ProfileEntry[];
  /** Inclusive time of the project's own functions (dist/src), % of busy time. */
  topInclusiveOwn: ProfileEntry[];
  /** Self time by package / area, % of busy time. */
  byArea: ProfileEntry[];
  /** Time with at least one frame of the package / area on the stack, % of busy time. */
  inclusiveByArea: ProfileEntry[];
  /** Inclusive time of every function, % of busy time. */
  topInclusive: ProfileEntry[];
}

/** Short location: `node_modules/<pkg>/...` → `<pkg>/<file>`, dist/src paths from `src/`. */
function shortUrl(url: string): string {
  if (url === '') return '';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) return url.slice(nm + 'node_modules/'.length);
  const src = url.indexOf('/dist/');
  if (src >= 0) return url.slice(src + '/dist/'.length);
  return url.replace(/^file:\/\//, '');
}

/** Which package or part of the runtime a frame belongs to. */
function areaOf(frame: ProfileNode['callFrame']): string {
  const { url, functionName } = frame;
  if (url === '') {
    if (functionName.startsWith('(')) return functionName; // (garbage collector), (program), (idle)
    return 'native / V8 builtins';
  }
  if (url.startsWith('node:')) {
    const m = /^node:(?:internal\/)?([a-z_]+)/.exec(url);
    return `node:${m?.[1] ?? url.slice(5)}`;
  }
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  const src = /\/dist\/(src|bench)\/([^/]+)/.exec(url);
  if (src) return `project: ${src[1]}/${src[2]}`;
  return shortUrl(url);
}

const keyOf = (f: ProfileNode['callFrame']) => `${f.functionName || '(anonymous)'}\u0000${shortUrl(f.url)}:${f.lineNumber + 1}`;

/**
 * Reads a V8 .cpuprofile (node --cpu-prof) and summarises the samples taken between `fromUs` and `toUs`
 * (CLOCK_MONOTONIC µs, as the profile's own timestamps), or all of them.
 */
export function summariseProfile(file: string, window?: { fromUs: number; toUs: number }, top = 25): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const self = new Map<string, number>();
  const area = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const inclusiveAll = new Map<string, number>();
  const inclusiveArea = new Map<string, number>();
  let busy = 0;
  let total = 0;
  let counted = 0;
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i];
    if (window && (t < window.fromUs || t > window.toUs)) continue;
    // Each sample stands for the time until the next one.
    const weight = i + 1 < profile.timeDeltas.length ? profile.timeDeltas[i + 1] : 0;
    const node = byId.get(profile.samples[i]);
    if (!node) continue;
    total += weight;
    counted++;
    if (node.callFrame.functionName === '(idle)') continue;
    busy += weight;
    const key = keyOf(node.callFrame);
    self.set(key, (self.get(key) ?? 0) + weight);
    const a = areaOf(node.callFrame);
    area.set(a, (area.get(a) ?? 0) + weight);
    const seen = new Set<string>();
    const seenArea = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const frame = byId.get(id)!.callFrame;
      if (frame.functionName === '(root)') continue;
      const k = keyOf(frame);
      const a = areaOf(frame);
      if (!seenArea.has(a)) {
        seenArea.add(a);
        inclusiveArea.set(a, (inclusiveArea.get(a) ?? 0) + weight);
      }
      if (seen.has(k)) continue;
      seen.add(k);
      inclusiveAll.set(k, (inclusiveAll.get(k) ?? 0) + weight);
      if (/\/dist\/src\//.test(frame.url)) inclusive.set(k, (inclusive.get(k) ?? 0) + weight);
    }
  }
  const entries = (map: Map<string, number>, n: number): ProfileEntry[] =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([key, us]) => {
        const [name, where = ''] = key.split('\u0000');
        return { name, where, percent: busy > 0 ? Math.round((us / busy) * 1000) / 10 : 0, ms: Math.round(us / 100) / 10 };
      });
  return {
    windowMs: Math.round(total / 1000),
    busyMs: Math.round(busy / 1000),
    samples: counted,
    topSelf: entries(self, top),
    topInclusiveOwn: entries(inclusive, top),
    byArea: entries(area, 40),
    inclusiveByArea: entries(inclusiveArea, 40),
    topInclusive: entries(inclusiveAll, 60),
  };
}

export function formatProfile(summary: ProfileSummary, full = false): string {
  const lines: string[] = [];
  lines.push(`Profile window ${summary.windowMs} ms, busy ${summary.busyMs} ms (${summary.samples} samples); shares are of busy time`);
  lines.push('', 'Self time by area:');
  for (const e of summary.byArea) lines.push(`  ${e.percent.toFixed(1).padStart(5)}%  ${e.name}`);
  lines.push('', 'Top functions by self time:');
  for (const e of summary.topSelf) lines.push(`  ${e.percent.toFixed(1).padStart(5)}%  ${e.name}  ${e.where}`);
  lines.push('', 'Project functions by inclusive time:');
  for (const e of summary.topInclusiveOwn) lines.push(`  ${e.percent.toFixed(1).padStart(5)}%  ${e.name}  ${e.where}`);
  if (full) {
    lines.push('', 'Inclusive time by area (a frame of it anywhere on the stack):');
    for (const e of summary.inclusiveByArea) lines.push(`  ${e.percent.toFixed(1).padStart(5)}%  ${e.name}`);
    lines.push('', 'Every function by inclusive time:');
    for (const e of summary.topInclusive) lines.push(`  ${e.percent.toFixed(1).padStart(5)}%  ${e.name}  ${e.where}`);
  }
  return lines.join('\n');
}
