/**
 * `EditedLines` (engine/positions.ts), the line index the incremental analysis and the
 * suppression pass keep across a document's versions: after each random edit, whatever region
 * the texts' comparison finds changed (it may not be where the edit was, next to equal
 * characters, and may split a CRLF), its lines equal a fresh index's.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EditedLines, LineIndex } from '../../server/src/engine/positions';
import { rng } from '../helpers/corpus';

describe('EditedLines', () => {
  it('random edits of text with LF, CRLF and lone CR line ends index as a fresh LineIndex', () => {
    const r = rng(0xed17);
    const pieces = ['\n', '\r\n', '\r', 'a', 'bc\n', '\n\n', '\r\r\n', ' x\r', ''];
    const lines = new EditedLines();
    let text = 'first\r\nsecond\nthird\rfourth\n';
    for (let i = 0; i < 3000; i++) {
      const start = Math.floor(r() * (text.length + 1));
      const end = Math.min(text.length, start + Math.floor(r() * 4));
      // Now and then an unrelated text, as a host linting several files in turn gives.
      text = i % 500 === 499 ? 'other\r\n\rtext' : text.slice(0, start) + pieces[Math.floor(r() * pieces.length)] + text.slice(end);
      const index = lines.of(text);
      const fresh = new LineIndex(text);
      assert.equal(index.lineCount, fresh.lineCount, `edit ${i}: ${JSON.stringify(text)}`);
      for (let line = 0; line < fresh.lineCount; line++) assert.equal(index.lineStart(line), fresh.lineStart(line), `edit ${i}, line ${line}`);
      for (let o = 0; o <= text.length; o += 7) assert.equal(index.lineOf(o), fresh.lineOf(o), `edit ${i}, offset ${o}`);
    }
  });
});
