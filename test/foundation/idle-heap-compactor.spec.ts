import { IdleHeapCompactor, type HeapProbe } from '../../src/common/memory/idle-heap-compactor.js';

const MB = 1024 * 1024;

/** A process whose CPU time and heap slack the test sets; every gc() takes 50 ms of CPU and most of the slack. */
function fakeProcess() {
  const state = { cpuMicros: 0, slackBytes: 40 * MB };
  const probe: HeapProbe = { cpuMicros: () => state.cpuMicros, slackBytes: () => state.slackBytes };
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
