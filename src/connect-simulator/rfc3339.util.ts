let cachedSecond = NaN;
let cachedText = '';

/** RFC 3339 with seconds precision, as live Connect servers print timestamps. */
export function toRfc3339(epochMs: number): string {
  // Writes in bulk share a second; formatting a Date each time showed up when generating 10,000 items.
  const second = Math.floor(epochMs / 1000);
  if (second !== cachedSecond) {
    cachedSecond = second;
    cachedText = new Date(second * 1000).toISOString().replace('.000Z', 'Z');
  }
  return cachedText;
}
