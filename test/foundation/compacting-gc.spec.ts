import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { compactingGc } from '../../src/common/memory/compacting-gc.js';

// This process's own V8: jest does not run node with --expose-gc, so the flag is set and `gc` read from a new context,
// then unset, or every test file this worker loads next (each in a new context) would run with `gc` exposed.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
setFlagsFromString('--no-expose-gc');

/** Old-generation bytes V8 holds beyond its live objects. */
function oldSpaceSlack(): number {
  const old = getHeapSpaceStatistics().find((space) => space.space_name === 'old_space')!;
  return old.space_size - old.space_used_size;
}

/** Promotes 300,000 small objects to the old generation, then lets three in four of them die: sparse pages. */
function sparseOldGeneration(): unknown[] {
  const all = Array.from({ length: 300_000 }, (_, i) => ({ i, name: `item-${i}`, pair: [i, i + 1] }));
  gc();
  gc();
  return all.filter((_, i) => i % 4 === 0);
}

describe('compactingGc', () => {
  it('runs in a worker whose later test files get no `gc` (the flag was set back)', () => {
    expect(runInNewContext('typeof gc')).toBe('undefined');
  });

  it('gives back the old-generation pages a plain full GC leaves sparsely used', () => {
    const sparse = sparseOldGeneration();
    gc();
    const plainSlack = oldSpaceSlack();
    const sparseAgain = sparseOldGeneration();
    compactingGc(gc)();
    const compactedSlack = oldSpaceSlack();
    expect(sparse.length + sparseAgain.length).toBe(150_000);
    expect(plainSlack).toBeGreaterThan(8 * 1024 * 1024);
    expect(compactedSlack).toBeLessThan(plainSlack / 3);
  });

  it('leaves V8 compacting by its own measure afterwards, even when the GC throws', () => {
    const failing = compactingGc(() => {
      throw new Error('gc failed');
    });
    expect(failing).toThrow('gc failed');
    // A later plain GC leaves sparse pages in place again: the flag was turned off.
    const kept = sparseOldGeneration();
    gc();
    expect(kept).toHaveLength(75_000);
    expect(oldSpaceSlack()).toBeGreaterThan(8 * 1024 * 1024);
  });
});
