/**
 * The tree edit the analysis process derives from two texts (lsp/text-delta.ts): its points
 * must be the LSP positions `LineIndex` gives (tree-sitter counts UTF-16 columns, like LSP),
 * whatever the line ends, since a wrong point would make the re-parsed tree drift.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LineIndex } from '../../server/src/engine/positions';
import { treeEditBetween } from '../../server/src/lsp/text-delta';
import { rng } from '../helpers/corpus';

function randomText(r: () => number, length: number): string {
  const pieces = ['a', 'b', ' ', '\n', '\r\n', '\r', 'é', '😀', '(', 'x = 1'];
  let s = '';
  while (s.length < length) s += pieces[Math.floor(r() * pieces.length)];
  return s;
}

describe('treeEditBetween', () => {
  it('gives the points LineIndex gives, for any line ends', () => {
    const r = rng(0x7e1);
    for (let i = 0; i < 500; i++) {
      const before = randomText(r, 1 + Math.floor(r() * 60));
      const at = Math.floor(r() * (before.length + 1));
      const cut = Math.min(before.length, at + Math.floor(r() * 4));
      const after = before.slice(0, at) + randomText(r, Math.floor(r() * 4)) + before.slice(cut);
      const edit = treeEditBetween(before, after);
      const point = (text: string, offset: number) => {
        const p = new LineIndex(text).toLsp(offset);
        return { row: p.line, column: p.character };
      };
      const what = JSON.stringify({ before, after });
      assert.deepEqual(edit.startPosition, point(before, edit.startIndex), what);
      assert.deepEqual(edit.oldEndPosition, point(before, edit.oldEndIndex), what);
      assert.deepEqual(edit.newEndPosition, point(after, edit.newEndIndex), what);
      assert.equal(before.slice(0, edit.startIndex) + after.slice(edit.startIndex, edit.newEndIndex) + before.slice(edit.oldEndIndex), after, what);
    }
  });
});
