import { deferDateTimeFormats } from '../../src/common/memory/deferred-date-time-format.js';

const OPTIONS: Intl.DateTimeFormatOptions = { year: 'numeric', month: '2-digit', day: '2-digit', hour: 'numeric', minute: 'numeric', timeZone: 'UTC' };
const WHEN = Date.UTC(2026, 10, 29, 9, 30);

/** Intl with a DateTimeFormat that counts the formatters it really builds. */
function countingIntl() {
  const built = jest.fn();
  const DateTimeFormat = new Proxy(Intl.DateTimeFormat, {
    construct: (target, args) => {
      built();
      return Reflect.construct(target, args) as object;
    },
  });
  return { intl: { DateTimeFormat }, built, original: DateTimeFormat };
}

describe('deferDateTimeFormats', () => {
  it('builds the real formatter on first use, once, and formats exactly as it would', () => {
    const { intl, built } = countingIntl();
    const restore = deferDateTimeFormats(intl);
    const formatter = new intl.DateTimeFormat('en-GB', OPTIONS);
    expect(built).not.toHaveBeenCalled();

    const expected = new Intl.DateTimeFormat('en-GB', OPTIONS);
    expect(formatter.format(WHEN)).toBe(expected.format(WHEN));
    expect(formatter.formatToParts(WHEN)).toEqual(expected.formatToParts(WHEN));
    expect(formatter.formatRange(WHEN, WHEN + 86_400_000)).toBe(expected.formatRange(WHEN, WHEN + 86_400_000));
    expect(formatter.resolvedOptions()).toEqual(expected.resolvedOptions());
    expect(built).toHaveBeenCalledTimes(1);
    restore();
  });

  it('works when called without new, and keeps supportedLocalesOf and the prototype for feature checks', () => {
    const { intl, built } = countingIntl();
    const restore = deferDateTimeFormats(intl);
    const formatter = (intl.DateTimeFormat as unknown as (l: string, o: Intl.DateTimeFormatOptions) => Intl.DateTimeFormat)('en-US', OPTIONS);
    expect(built).not.toHaveBeenCalled();
    expect(formatter.format(WHEN)).toBe(new Intl.DateTimeFormat('en-US', OPTIONS).format(WHEN));
    expect(intl.DateTimeFormat.supportedLocalesOf(['en-US'])).toEqual(['en-US']);
    expect(intl.DateTimeFormat.prototype).toBe(Intl.DateTimeFormat.prototype);
    expect(typeof intl.DateTimeFormat.prototype.formatRange).toBe('function');
    restore();
  });

  it('puts the real constructor back, after which formatters are built at once', () => {
    const { intl, built, original } = countingIntl();
    const restore = deferDateTimeFormats(intl);
    expect(intl.DateTimeFormat).not.toBe(original);
    restore();
    expect(intl.DateTimeFormat).toBe(original);
    new intl.DateTimeFormat('en-GB', OPTIONS);
    expect(built).toHaveBeenCalledTimes(1);
  });

  it("keeps Nest's logger modules from building a formatter while they load", async () => {
    const { built, original } = countingIntl();
    const global = globalThis as unknown as { Intl: { DateTimeFormat: typeof Intl.DateTimeFormat } };
    const saved = global.Intl.DateTimeFormat;
    global.Intl.DateTimeFormat = original;
    try {
      const restore = deferDateTimeFormats(global.Intl);
      await jest.isolateModulesAsync(async () => {
        const { ConsoleLogger } = await import('@nestjs/common');
        expect(ConsoleLogger).toBeDefined();
      });
      restore();
      expect(built).not.toHaveBeenCalled();
    } finally {
      global.Intl.DateTimeFormat = saved;
    }
  });
});
