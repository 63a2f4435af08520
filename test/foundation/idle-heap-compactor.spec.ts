import { IdleHeapCompactor, type HeapProbe } from '../../src/common/memory/idle-heap-compactor.js';

const MB = 1024 * 1024;

/** A process whose CPU time and heap slack the test sets; every gc() takes 50 ms of CPU and most of the slack. */
function fakeProcess() {
  const state = { cpuMicros: 0, slackBytes: 40 * MB, oldSlackBytes: 0 };
  const probe: HeapProbe = { cpuMicros: () => state.cpuMicros, slackBytes: () => state.slackBytes, oldSlackBytes: () => state.oldSlackBytes };
  const gc = jest.fn(() => {
    state.cpuMicros += 50_000;
    state.slackBytes = 5 * MB;
  });
  return { state, probe, gc };
}

describe('IdleHeapCompactor', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('compacts once when the service goes idle with a large slack, and again only after it was busy in between', () => {
    const { state, probe, gc } = fakeProcess();
    const compactor = new IdleHeapCompactor({ gc, probe, checkEveryMs: 10_000, idleIntervals: 2 });
    compactor.onApplicationBootstrap();

    state.cpuMicros += 2_000_000; // 20% of a core: busy
    jest.advanceTimersByTime(10_000);
    expect(gc).not.toHaveBeenCalled();

    state.cpuMicros += 100_000; // 1%: idle, but V8 needs allocation to have slowed for a while: wait for a second idle interval
    jest.advanceTimersByTime(10_000);
    expect(gc).not.toHaveBeenCalled();
    jest.advanceTimersByTime(10_000);
    expect(gc).toHaveBeenCalledTimes(1);

    // Still idle, slack large again (say a timer allocated): no second pause until the service has been busy.
    state.slackBytes = 40 * MB;
    jest.advanceTimersByTime(30_000);
    expect(gc).toHaveBeenCalledTimes(1);

    state.cpuMicros += 5_000_000;
    jest.advanceTimersByTime(10_000);
    jest.advanceTimersByTime(10_000);
    expect(gc).toHaveBeenCalledTimes(1);
    jest.advanceTimersByTime(10_000);
    expect(gc).toHaveBeenCalledTimes(2);
    expect(compactor.compactions).toBe(2);

    compactor.onApplicationShutdown();
    expect(jest.getTimerCount()).toBe(0);
  });

  it('starts the idle streak again after a busy interval', () => {
    const { state, probe, gc } = fakeProcess();
    const compactor = new IdleHeapCompactor({ gc, probe, checkEveryMs: 5_000, idleIntervals: 2 });
    compactor.onApplicationBootstrap();
    jest.advanceTimersByTime(5_000); // idle
    state.cpuMicros += 1_000_000; // 20%: busy
    jest.advanceTimersByTime(5_000);
    jest.advanceTimersByTime(5_000); // idle, one in a row
    expect(gc).not.toHaveBeenCalled();
    jest.advanceTimersByTime(5_000); // two in a row
    expect(gc).toHaveBeenCalledTimes(1);
    compactor.onApplicationShutdown();
  });

  it('tries again when a GC handed nothing back, five times at most in one idle period', () => {
    const { state, probe } = fakeProcess();
    const gc = jest.fn(() => {
      state.cpuMicros += 50_000; // frees nothing: the slack stays
    });
    const compactor = new IdleHeapCompactor({ gc, probe, checkEveryMs: 5_000, idleIntervals: 1 });
    compactor.onApplicationBootstrap();
    jest.advanceTimersByTime(5_000);
    expect(gc).toHaveBeenCalledTimes(1);
    jest.advanceTimersByTime(5_000);
    expect(gc).toHaveBeenCalledTimes(2);
    gc.mockImplementation(() => {
      state.slackBytes = 5 * MB;
    });
    jest.advanceTimersByTime(5_000);
    expect(gc).toHaveBeenCalledTimes(3);
    jest.advanceTimersByTime(60_000);
    expect(gc).toHaveBeenCalledTimes(3);

    // Never freeing anything: five tries, then quiet until the service was busy.
    gc.mockImplementation(() => undefined);
    state.slackBytes = 40 * MB;
    state.cpuMicros += 1_000_000;
    jest.advanceTimersByTime(5_000);
    jest.advanceTimersByTime(60_000);
    expect(gc).toHaveBeenCalledTimes(8);
    compactor.onApplicationShutdown();
  });

  it('by default, compacts after 9 s of idle and retries a fruitless GC every 3 s (V8 needs 5 s of quiet GCs)', () => {
    const { state, probe } = fakeProcess();
    const gc = jest.fn(() => {
      state.cpuMicros += 50_000;
    });
    const compactor = new IdleHeapCompactor({ gc, probe });
    compactor.onApplicationBootstrap();
    jest.advanceTimersByTime(8_999);
    expect(gc).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(gc).toHaveBeenCalledTimes(1);
    jest.advanceTimersByTime(6_000);
    expect(gc).toHaveBeenCalledTimes(3);
    compactor.onApplicationShutdown();
  });

  it('compacts the old generation once, a second after the full GCs, if it holds 4 MB or more unused', () => {
    const { state, probe, gc } = fakeProcess();
    state.oldSlackBytes = 7 * MB;
    const compactingGc = jest.fn(() => {
      state.cpuMicros += 150_000;
      state.oldSlackBytes = 1 * MB;
    });
    const compactor = new IdleHeapCompactor({ gc, compactingGc, probe, checkEveryMs: 3_000 });
    compactor.onApplicationBootstrap();
    jest.advanceTimersByTime(9_000);
    // The full GC first: it hands back the young generation and the garbage, so moving the live objects adds less.
    expect(gc).toHaveBeenCalledTimes(1);
    expect(compactingGc).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1_000);
    expect(compactingGc).toHaveBeenCalledTimes(1);
    jest.advanceTimersByTime(60_000);
    expect([gc.mock.calls.length, compactingGc.mock.calls.length, compactor.compactions]).toEqual([1, 1, 2]);

    // Busy, then idle again with little unused in the old generation: a full GC, no compaction.
    state.cpuMicros += 5_000_000;
    state.slackBytes = 40 * MB;
    state.oldSlackBytes = 3 * MB;
    jest.advanceTimersByTime(3_000);
    jest.advanceTimersByTime(60_000);
    expect([gc.mock.calls.length, compactingGc.mock.calls.length]).toEqual([2, 1]);
    compactor.onApplicationShutdown();
  });

  it('compacts after the last fruitless GC, and without a full GC when the heap slack is small', () => {
    const { state, probe } = fakeProcess();
    const gc = jest.fn(() => {
      state.cpuMicros += 50_000; // frees nothing
    });
    const compactingGc = jest.fn();
    state.oldSlackBytes = 6 * MB;
    const compactor = new IdleHeapCompactor({ gc, compactingGc, probe, checkEveryMs: 3_000, idleIntervals: 1 });
    compactor.onApplicationBootstrap();
    jest.advanceTimersByTime(15_000);
    expect([gc.mock.calls.length, compactingGc.mock.calls.length]).toEqual([5, 0]);
    jest.advanceTimersByTime(1_000);
    expect([gc.mock.calls.length, compactingGc.mock.calls.length]).toEqual([5, 1]);

    jest.advanceTimersByTime(2_000);
    state.cpuMicros += 5_000_000;
    state.slackBytes = 6 * MB;
    jest.advanceTimersByTime(3_000); // busy
    jest.advanceTimersByTime(3_000); // idle, slack under 8 MB: no full GC
    jest.advanceTimersByTime(1_000);
    expect([gc.mock.calls.length, compactingGc.mock.calls.length]).toEqual([5, 2]);

    // Busy within the second before the compaction: none, and the idle period starts over.
    state.cpuMicros += 5_000_000;
    jest.advanceTimersByTime(2_000); // busy
    jest.advanceTimersByTime(3_000); // idle: phase 'compact' again, a second later...
    state.cpuMicros += 500_000; // ...50% of a core
    jest.advanceTimersByTime(1_000);
    expect(compactingGc).toHaveBeenCalledTimes(2);
    compactor.onApplicationShutdown();
  });

  it('leaves a small slack alone', () => {
    const { state, probe, gc } = fakeProcess();
    state.slackBytes = 6 * MB;
    const compactor = new IdleHeapCompactor({ gc, probe, checkEveryMs: 10_000 });
    compactor.onApplicationBootstrap();
    jest.advanceTimersByTime(60_000);
    expect(gc).not.toHaveBeenCalled();
    compactor.onApplicationShutdown();
  });

  it('does nothing, and keeps no timer, without --expose-gc', () => {
    const compactor = new IdleHeapCompactor({ gc: undefined });
    compactor.onApplicationBootstrap();
    expect(jest.getTimerCount()).toBe(0);
    compactor.onApplicationShutdown();
  });
});
