/**
 * The difference between two versions of a text as one changed region (the longest common
 * prefix and suffix are unchanged). Used to update a syntax tree from a new text, and to map
 * offsets between a document and the text of an older analysis, so that hovers can be served
 * from the last completed analysis while a newer one runs.
 */
import { lspPositionAt, type TreeEdit } from '../engine/index';

const CHUNK = 2048;

export interface ChangedRegion {
  /** Offsets before `start` are the same in both texts. */
  start: number;
  /** End of the changed region in the old text; what follows equals what follows `newEnd`. */
  oldEnd: number;
  newEnd: number;
}

export function changedRegion(before: string, after: string): ChangedRegion {
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

/** The tree-sitter edit that turns `before` into `after` (one edit spanning the changed region, when known). */
export function treeEditBetween(before: string, after: string, region = changedRegion(before, after)): TreeEdit {
  // Tree-sitter points for string input count columns in UTF-16 units, like LSP.
  const point = (text: string, offset: number) => {
    const p = lspPositionAt(text, offset);
    return { row: p.line, column: p.character };
  };
  return {
    startIndex: region.start,
    oldEndIndex: region.oldEnd,
    newEndIndex: region.newEnd,
    startPosition: point(before, region.start),
    oldEndPosition: point(before, region.oldEnd),
    newEndPosition: point(after, region.newEnd),
  };
}

/** Maps offsets between an old and a new text; offsets inside the changed region have no counterpart. */
export class OffsetMap {
  private readonly region: ChangedRegion;

  constructor(oldText: string, newText: string) {
    this.region = changedRegion(oldText, newText);
  }

  toOld(offset: number): number | undefined {
    return shift(offset, this.region.start, this.region.newEnd, this.region.oldEnd);
  }

  toNew(offset: number): number | undefined {
    return shift(offset, this.region.start, this.region.oldEnd, this.region.newEnd);
  }

  /** An old range in new offsets, unless it touches the changed region. */
  rangeToNew(start: number, end: number): { start: number; end: number } | undefined {
    const s = this.toNew(start);
    const e = this.toNew(end);
    if (s === undefined || e === undefined || (start < this.region.start && end > this.region.oldEnd)) return undefined;
    return { start: s, end: e };
  }
}

function shift(offset: number, start: number, fromEnd: number, toEnd: number): number | undefined {
  if (offset <= start) return offset;
  if (offset >= fromEnd) return offset - fromEnd + toEnd;
  return undefined;
}
