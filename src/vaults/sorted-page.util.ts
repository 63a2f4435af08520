import { decodeCursor, encodeCursor } from '../common/pagination/cursor.js';
import { DEFAULT_PAGE_SIZE } from '../common/pagination/page-query.dto.js';
import type { Page } from '../common/pagination/page.js';
import { compareText } from './connect-ref.util.js';

export interface ArrayPageQuery {
  limit?: number;
  cursor?: string;
  all?: boolean;
}

/** The sort key of a row: its title lower-cased (case-insensitive order), then its id (a total order). */
interface SortKey {
  title: string;
  id: string;
}

/** The cursor form of a SortKey: [title, id]. */
const SORT_KEY = ['text', 'text'] as const;

export interface Keyed<T> extends SortKey {
  row: T;
}

/** A validated page request: the cursor is decoded (400 when forged) before any Connect call. */
export interface PageRequest {
  limit: number;
  all: boolean;
  after?: SortKey;
}

export function toPageRequest(query: ArrayPageQuery): PageRequest {
  const request: PageRequest = { limit: query.limit ?? DEFAULT_PAGE_SIZE, all: query.all === true };
  if (query.cursor !== undefined) {
    const [title, id] = decodeCursor(query.cursor, SORT_KEY);
    request.after = { title, id };
  }
  return request;
}

function compareKeys(a: SortKey, b: SortKey): number {
  return compareText(a.title, b.title) || compareText(a.id, b.id);
}

/** A max-heap of at most `capacity` rows: what remains are the `capacity` smallest rows offered. */
class SmallestRows<T> {
  private readonly heap: Keyed<T>[] = [];

  constructor(private readonly capacity: number) {}

  offer(entry: Keyed<T>): void {
    const heap = this.heap;
    if (heap.length < this.capacity) {
      heap.push(entry);
      let i = heap.length - 1;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (compareKeys(heap[parent], heap[i]) >= 0) break;
        [heap[parent], heap[i]] = [heap[i], heap[parent]];
        i = parent;
      }
      return;
    }
    if (this.capacity === 0 || compareKeys(entry, heap[0]) >= 0) return;
    heap[0] = entry;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let largest = i;
      if (left < heap.length && compareKeys(heap[left], heap[largest]) > 0) largest = left;
      if (right < heap.length && compareKeys(heap[right], heap[largest]) > 0) largest = right;
      if (largest === i) break;
      [heap[largest], heap[i]] = [heap[i], heap[largest]];
      i = largest;
    }
  }

  sorted(): Keyed<T>[] {
    return this.heap.sort(compareKeys);
  }
}

/**
 * Pages a full array from Connect (which never paginates) in a stable order: title case-insensitively
 * (compared by code units, the same on every instance), then id. The cursor holds the sort key of the last
 * row served (keyset pagination), so rows added or removed between two pages never make another row appear
 * twice or go missing. `all` serves every row from the cursor on in one page.
 *
 * Cost: one pass keeping the `limit` smallest rows after the cursor in a heap, O(n log limit), so a page of
 * a 10,000-item vault costs about as much as lower-casing its titles; `all` sorts what it returns.
 */
export function pageSorted<T>(rows: readonly T[], keyOf: (row: T) => { title: string | undefined; id: string }, page: PageRequest): Page<T> {
  const after = page.after;
  const capacity = page.all ? Number.POSITIVE_INFINITY : page.limit;
  const kept = page.all ? undefined : new SmallestRows<T>(capacity);
  const everything: Keyed<T>[] = [];
  let remaining = 0;
  for (const row of rows) {
    const key = keyOf(row);
    const entry: Keyed<T> = { title: (key.title ?? '').toLowerCase(), id: key.id, row };
    if (after !== undefined && compareKeys(entry, after) <= 0) continue;
    remaining++;
    if (kept) kept.offer(entry);
    else everything.push(entry);
  }
  const served = kept ? kept.sorted() : everything.sort(compareKeys);
  const last = served[served.length - 1];
  return {
    data: served.map((entry) => entry.row),
    nextCursor: remaining > served.length && last ? encodeCursor([last.title, last.id]) : null,
  };
}

/** Every row with its sort key, sorted: for a list kept and paged many times (ItemListingCache). */
export function sortRows<T>(rows: readonly T[], keyOf: (row: T) => { title: string | undefined; id: string }): Keyed<T>[] {
  const keyed = rows.map((row) => {
    const key = keyOf(row);
    return { title: (key.title ?? '').toLowerCase(), id: key.id, row };
  });
  return keyed.sort(compareKeys);
}

/**
 * A page of an already sorted list, keeping only rows that pass `keep`: a binary search finds the cursor,
 * then the scan stops at the first matching row past the page. Costs O(log n + page) without filters.
 */
export function pageOfSorted<T>(sorted: readonly Keyed<T>[], page: PageRequest, keep?: (row: T) => boolean): Page<T> {
  let start = 0;
  if (page.after !== undefined) {
    let high = sorted.length;
    while (start < high) {
      const mid = (start + high) >>> 1;
      if (compareKeys(sorted[mid], page.after) <= 0) start = mid + 1;
      else high = mid;
    }
  }
  const data: T[] = [];
  let last: Keyed<T> | undefined;
  for (let i = start; i < sorted.length; i++) {
    const entry = sorted[i];
    if (keep && !keep(entry.row)) continue;
    if (!page.all && data.length === page.limit) return { data, nextCursor: encodeCursor([last!.title, last!.id]) };
    data.push(entry.row);
    last = entry;
  }
  return { data, nextCursor: null };
}
