/**
 * The difference between two versions of a text as one changed region: everything before
 * `start` and after the region's end is the same in both. The language server updates syntax
 * trees and maps offsets with it; the engine uses it to write a notebook's edited program back
 * to its cells and to reuse the Keras version hints across an edit inside one word.
 */

const CHUNK = 2048;

export interface ChangedRegion {
  /** Offsets before `start` are the same in both texts. */
  start: number;
  /** End of the changed region in the old text; what follows equals what follows `newEnd`. */
  oldEnd: number;
  newEnd: number;
}

export function changedRegion(before: string, after: string): ChangedRegion {
  // The same string (an unchanged open module sent again) is answered without a comparison.
  if (before === after) return { start: before.length, oldEnd: before.length, newEnd: before.length };
  const shorter = Math.min(before.length, after.length);
  // Chunks compared natively first: a loop over every character of an edited document's text
  // (pieces joined, until V8 flattens them) cost 0.7 ms for the 83 KB of the 2,000-line zoo.
  let start = 0;
  while (start + CHUNK <= shorter && before.slice(start, start + CHUNK) === after.slice(start, start + CHUNK)) start += CHUNK;
  while (start < shorter && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let suffix = 0;
  const sameEnd = (n: number) => before.slice(before.length - n, before.length - suffix) === after.slice(after.length - n, after.length - suffix);
  while (suffix + CHUNK <= shorter - start && sameEnd(suffix + CHUNK)) suffix += CHUNK;
  while (suffix < shorter - start && before.charCodeAt(before.length - 1 - suffix) === after.charCodeAt(after.length - 1 - suffix)) suffix++;
  return { start, oldEnd: before.length - suffix, newEnd: after.length - suffix };
}
