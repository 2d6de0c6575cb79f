/**
 * The changed region between two versions of a text (`engine/text-region.ts`) as a tree-sitter
 * edit, and offsets mapped across it, so that hovers can be served from the last completed
 * analysis while a newer one runs.
 */
import { changedRegion, lspPositionAt, type ChangedRegion, type TreeEdit } from '../engine/index';

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
