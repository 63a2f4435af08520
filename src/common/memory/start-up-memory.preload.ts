import { deferDateTimeFormats } from './deferred-date-time-format.js';

// Imported first by main.ts: the deferral covers every module of the static import graph, which evaluates in one
// go; the microtask runs after it, so anything built later gets the real constructor.
queueMicrotask(deferDateTimeFormats());
