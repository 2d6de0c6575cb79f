/**
 * The tree edit the analysis process derives from two texts (lsp/text-delta.ts): its points
 * must be the LSP positions `LineIndex` gives (tree-sitter counts UTF-16 columns, like LSP),
 * whatever the line ends, since a wrong point would make the re-parsed tree drift. And the
 * texts the server sends it as edits (lsp/text-sync.ts) must rebuild exactly.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LineIndex } from '../../server/src/engine/positions';
import { changedRegion } from '../../server/src/engine/text-region';
import { treeEditBetween } from '../../server/src/lsp/text-delta';
import { TextSender, TextStore, type TextRef } from '../../server/src/lsp/text-sync';
import { rng } from '../helpers/corpus';

function randomText(r: () => number, length: number): string {
  const pieces = ['a', 'b', ' ', '\n', '\r\n', '\r', 'é', '😀', '(', 'x = 1'];
  let s = '';
  while (s.length < length) s += pieces[Math.floor(r() * pieces.length)];
  return s;
}

/** `text` with a random span of fewer than `span` characters replaced by fewer than `span` random ones. */
function randomEdit(r: () => number, text: string, span: number): string {
  const at = Math.floor(r() * (text.length + 1));
  const cut = Math.min(text.length, at + Math.floor(r() * span));
  return text.slice(0, at) + randomText(r, Math.floor(r() * span)) + text.slice(cut);
}

describe('treeEditBetween', () => {
  it('gives the points LineIndex gives, for any line ends', () => {
    const r = rng(0x7e1);
    for (let i = 0; i < 500; i++) {
      const before = randomText(r, 1 + Math.floor(r() * 60));
      const after = randomEdit(r, before, 4);
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

describe('changedRegion', () => {
  it('is the longest common prefix and suffix, in long texts too (compared in chunks)', () => {
    const r = rng(0xc4a);
    for (let i = 0; i < 200; i++) {
      const before = randomText(r, 1 + Math.floor(r() * 12_000));
      const after = r() < 0.1 ? before : randomEdit(r, before, 3_000);
      let start = 0;
      while (start < Math.min(before.length, after.length) && before[start] === after[start]) start++;
      let suffix = 0;
      while (suffix < Math.min(before.length, after.length) - start && before[before.length - 1 - suffix] === after[after.length - 1 - suffix]) suffix++;
      assert.deepEqual(changedRegion(before, after), { start, oldEnd: before.length - suffix, newEnd: after.length - suffix });
    }
  });
});

describe('texts sent as edits (text-sync.ts)', () => {
  it('the process rebuilds every text the server sends, and the region is the changed one', () => {
    const r = rng(0x5e7d);
    const sender = new TextSender();
    const store = new TextStore();
    let text = randomText(r, 200);
    assert.deepEqual(store.resolve('k', sender.ref('k', text)), { text });
    for (let i = 0; i < 500; i++) {
      const before = text;
      text = randomEdit(r, text, 4);
      const got = store.resolve('k', sender.ref('k', text));
      assert.equal(got?.text, text);
      assert.deepEqual(got?.edit?.region, changedRegion(before, text));
    }
  });

  it('an edit of a text the process does not hold is refused, and whole texts start again', () => {
    const sender = new TextSender();
    const fresh = new TextStore();
    sender.ref('k', 'x = 1\n');
    const edit = sender.ref('k', 'x = 12\n');
    assert.equal(fresh.resolve('k', edit), undefined, 'a restarted process');
    const store = new TextStore();
    store.resolve('k', { seq: 1, text: 'x = 1\n' });
    assert.equal(store.resolve('k', { ...edit, base: 99 } as TextRef), undefined, 'another base');
    assert.equal(store.resolve('k', { ...edit, length: 3 } as TextRef), undefined, 'a length that does not add up');
    sender.reset();
    assert.deepEqual(fresh.resolve('k', sender.ref('k', 'x = 123\n')), { text: 'x = 123\n' });
    sender.drop('k');
    assert.ok('text' in sender.ref('k', 'y'), 'a dropped key is sent whole');
  });
});
