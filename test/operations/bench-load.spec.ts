import { setTimeout as sleep } from 'node:timers/promises';
import { alternated, repeated } from '../../bench/lib/load.js';

/** The benchmark's sequential drivers: what they run, in which order, and how they sum it up. */
describe('bench load drivers', () => {
  it('alternated runs the two sides in turns and sums each up on its own', async () => {
    const calls: string[] = [];
    const side = (name: string, bytes: number, ms: number) => async () => {
      calls.push(name);
      await sleep(ms);
      return { ok: true, bytes };
    };
    const [a, b] = await alternated(3, side('a', 1_000, 30), side('b', 500, 2));
    expect(calls).toEqual(['a', 'b', 'a', 'b', 'a', 'b']);
    expect(a).toMatchObject({ requests: 3, bytes: 3_000, errors: 0, non2xx: 0 });
    expect(b).toMatchObject({ requests: 3, bytes: 1_500, errors: 0, non2xx: 0 });
    // Each side's rate is over its own operations' time only, not over the other side's turns.
    expect(a.durationS).toBeGreaterThanOrEqual(0.085);
    expect(b.durationS).toBeLessThan(a.durationS / 2);
    // durationS is rounded to the millisecond.
    expect(a.rps * a.durationS).toBeCloseTo(3, 1);
    expect(a.bytesPerSecond! / a.rps).toBeCloseTo(1_000, 6);
    expect(b.p50).toBeLessThan(a.p50);
  });

  it('alternated counts a failed or refused operation on its own side', async () => {
    let n = 0;
    const flaky = async () => {
      if (++n === 2) throw new Error('socket hang up');
      return { ok: n !== 3 };
    };
    const [a, b] = await alternated(3, flaky, async () => ({ ok: true }));
    // A refusal is an answered request; a thrown one is not.
    expect(a).toMatchObject({ requests: 2, errors: 1, non2xx: 1 });
    expect(b).toMatchObject({ requests: 3, errors: 0, non2xx: 0 });
  });

  it('repeated rates over the wall time of the whole loop', async () => {
    const result = await repeated(2, async () => {
      await sleep(50);
      return { ok: true, requests: 20 };
    });
    expect(result.requests).toBe(40);
    expect(result.rps * result.durationS).toBeCloseTo(2, 1);
    expect(result.bytesPerSecond).toBeUndefined();
  });
});
