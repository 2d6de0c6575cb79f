/**
 * Texts sent to the analysis process as edits: the process keeps the last text it was sent
 * under each key (a document's URI, an open module's path), and a request names that text by
 * number and carries only the changed region (`changedRegion`), not the whole text again
 * (83 KB per keystroke for the 2,000-line model zoo, plus every other open module's text).
 * A process that does not hold the text a request builds on (it restarted after a crash, or
 * the document was forgotten) answers `resend`, and the server sends every text whole.
 */
import { changedRegion, type ChangedRegion } from '../engine/index';

/** A whole text, or the edit turning text number `base` into text number `seq`. */
export type TextRef =
  | { seq: number; text: string }
  | { seq: number; base: number; start: number; oldEnd: number; insert: string; length: number };

/** The server's side: what it last sent under each key. */
export class TextSender {
  private readonly sent = new Map<string, { seq: number; text: string }>();
  private seq = 0;

  /** `text` under `key`, as an edit of the last text sent under it when there is one. */
  ref(key: string, text: string): TextRef {
    const last = this.sent.get(key);
    const seq = ++this.seq;
    this.sent.set(key, { seq, text });
    if (!last) return { seq, text };
    const r = changedRegion(last.text, text);
    return { seq, base: last.seq, start: r.start, oldEnd: r.oldEnd, insert: text.slice(r.start, r.newEnd), length: text.length };
  }

  /** The process no longer holds the text under `key`. */
  drop(key: string): void {
    this.sent.delete(key);
  }

  /** The process holds none of the texts (it answered `resend`). */
  reset(): void {
    this.sent.clear();
  }
}

/** The process's side: the last text of each key, and the region each edit changed. */
export class TextStore {
  private readonly texts = new Map<string, { seq: number; text: string }>();

  /** The text `ref` names (undefined when it builds on a text this store does not hold). */
  resolve(key: string, ref: TextRef): { text: string; edit?: { base: number; region: ChangedRegion } } | undefined {
    if ('text' in ref) {
      this.texts.set(key, { seq: ref.seq, text: ref.text });
      return { text: ref.text };
    }
    const held = this.texts.get(key);
    if (!held || held.seq !== ref.base || ref.oldEnd > held.text.length) return undefined;
    const text = ref.start === ref.oldEnd && !ref.insert ? held.text : held.text.slice(0, ref.start) + ref.insert + held.text.slice(ref.oldEnd);
    if (text.length !== ref.length) return undefined;
    this.texts.set(key, { seq: ref.seq, text });
    return { text, edit: { base: ref.base, region: { start: ref.start, oldEnd: ref.oldEnd, newEnd: ref.start + ref.insert.length } } };
  }

  drop(key: string): void {
    this.texts.delete(key);
  }
}

/** Keys: a document's own text, and an open module's text by path (the analysis's overlays). */
export const documentKey = (uri: string): string => `doc:${uri}`;
export const overlayKey = (path: string): string => `file:${path}`;
