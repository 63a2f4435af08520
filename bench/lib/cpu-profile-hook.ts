/**
 * Preloaded (`node --cpu-prof --import <this>`) into the service by `npm run bench -- --profile`:
 * - each SIGURG (ignored by default, and not one of the signals Nest's shutdown hooks listen to, unlike
 *   SIGUSR2) appends a timestamp (µs, CLOCK_MONOTONIC, the clock of V8's profile timestamps) to
 *   WRK_BENCH_PROFILE_MARKS, so the summary keeps only the samples of the measured window;
 * - Nest's shutdown hook ends with `process.kill(process.pid, signal)`, and a process killed by a signal
 *   never writes its --cpu-prof file: here that last step becomes `process.exit(0)` (after the same
 *   graceful shutdown), which does.
 * Never loaded outside a profiling run.
 */
import { appendFileSync } from 'node:fs';

const marks = process.env.WRK_BENCH_PROFILE_MARKS;
process.on('SIGURG', () => {
  if (marks) appendFileSync(marks, `${process.hrtime.bigint() / 1000n}\n`);
});

const kill = process.kill.bind(process);
process.kill = ((pid: number, signal?: string | number) => {
  if (pid === process.pid && (signal === 'SIGTERM' || signal === 'SIGINT')) process.exit(0);
  return kill(pid, signal);
}) as typeof process.kill;
