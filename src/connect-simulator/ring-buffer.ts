/** Keeps the newest `capacity` entries so long benchmark runs do not grow memory. */
export class RingBuffer<T> {
  private readonly entries: T[] = [];
  private start = 0;

  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.entries.length;
  }

  push(entry: T): void {
    if (this.entries.length < this.capacity) {
      this.entries.push(entry);
      return;
    }
    this.entries[this.start] = entry;
    this.start = (this.start + 1) % this.capacity;
  }

  /** Oldest first. */
  toArray(): T[] {
    return [...this.entries.slice(this.start), ...this.entries.slice(0, this.start)];
  }

  newestFirst(offset: number, limit: number): T[] {
    const page: T[] = [];
    const count = this.entries.length;
    for (let n = offset; n < count && page.length < limit; n++) {
      page.push(this.entries[(this.start + count - 1 - n) % count]);
    }
    return page;
  }

  clear(): void {
    this.entries.length = 0;
    this.start = 0;
  }
}
