import { Foundation1764201600000 } from './1764201600000-foundation.js';

/** Every migration, in order. Listed explicitly (no glob) so the same list works in the build and in tests. */
export const MIGRATIONS = [Foundation1764201600000];
