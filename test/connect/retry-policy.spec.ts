import { RetryPolicy } from '../../src/connect/retry-policy.js';

const reset = () => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
const answer = (status: number) => ({ status, headers: {} });

/** Runs a DELETE through the policy against a script of answers (an Error is thrown, as a lost answer). */
async function runScript(script: (ReturnType<typeof answer> | Error)[], method: 'DELETE' | 'POST' = 'DELETE') {
  const policy = new RetryPolicy({ maxRetries: 3, retryBaseMs: 1, sleep: async () => undefined });
  let attempts = 0;
  const outcome = await policy.run(method, async () => {
    const next = script[attempts++];
    if (next instanceof Error) throw next;
    return next;
  });
  return { ...outcome, attempts };
}

describe('RetryPolicy: whether an earlier attempt may have been applied', () => {
  it('is false for a first answer, and after 408 or 429 (answered before acting)', async () => {
    expect(await runScript([answer(404)])).toMatchObject({ response: { status: 404 }, earlierAttemptMayHaveApplied: false, attempts: 1 });
    expect(await runScript([answer(408), answer(429), answer(404)])).toMatchObject({ earlierAttemptMayHaveApplied: false, attempts: 3 });
  });

  it('is true after a connection reset or a 5xx, whatever follows', async () => {
    expect(await runScript([reset(), answer(404)])).toMatchObject({ response: { status: 404 }, earlierAttemptMayHaveApplied: true, attempts: 2 });
    expect(await runScript([answer(502), answer(429), answer(404)])).toMatchObject({ earlierAttemptMayHaveApplied: true, attempts: 3 });
  });

  it('never retries a POST, so nothing before its answer', async () => {
    expect(await runScript([answer(503)], 'POST')).toMatchObject({ response: { status: 503 }, earlierAttemptMayHaveApplied: false, attempts: 1 });
  });
});
