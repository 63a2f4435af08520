/** The list envelope of every list endpoint. */
export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}
