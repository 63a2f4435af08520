type DateTimeFormatConstructor = typeof Intl.DateTimeFormat;

/**
 * Stands in for an `Intl.DateTimeFormat` built at module load: the real formatter (and with it ICU's locale and
 * calendar data, 5-8 MB of resident memory) is built on first use, if any.
 */
class DeferredDateTimeFormat {
  private real?: Intl.DateTimeFormat;

  constructor(
    private readonly create: DateTimeFormatConstructor,
    private readonly locales: string | string[] | undefined,
    private readonly options: Intl.DateTimeFormatOptions | undefined,
  ) {}

  private get formatter(): Intl.DateTimeFormat {
    return (this.real ??= new this.create(this.locales, this.options));
  }

  format(date?: Date | number): string {
    return this.formatter.format(date);
  }

  formatToParts(date?: Date | number): Intl.DateTimeFormatPart[] {
    return this.formatter.formatToParts(date);
  }

  formatRange(start: Date | number, end: Date | number): string {
    return this.formatter.formatRange(start, end);
  }

  formatRangeToParts(start: Date | number, end: Date | number): Intl.DateTimeRangeFormatPart[] {
    return this.formatter.formatRangeToParts(start, end);
  }

  resolvedOptions(): Intl.ResolvedDateTimeFormatOptions {
    return this.formatter.resolvedOptions();
  }
}

/**
 * Until the returned function is called, `new Intl.DateTimeFormat(...)` (or a call without `new`) returns a
 * stand-in that builds the real formatter when first used. Nest's logger modules each build one when they load,
 * for the timestamps of its console logger, which the service does not print with (pino writes its logs): without
 * the deferral those two formatters alone keep ICU's data resident in every process.
 */
export function deferDateTimeFormats(intl: { DateTimeFormat: DateTimeFormatConstructor } = Intl): () => void {
  const real = intl.DateTimeFormat;
  const deferred = function DateTimeFormat(locales?: string | string[], options?: Intl.DateTimeFormatOptions) {
    return new DeferredDateTimeFormat(real, locales, options);
  };
  // Feature checks on the constructor (its statics, its prototype's methods) see the real one.
  Object.assign(deferred, { supportedLocalesOf: real.supportedLocalesOf.bind(real), prototype: real.prototype });
  intl.DateTimeFormat = deferred as unknown as DateTimeFormatConstructor;
  return () => {
    if (intl.DateTimeFormat === (deferred as unknown)) intl.DateTimeFormat = real;
  };
}
