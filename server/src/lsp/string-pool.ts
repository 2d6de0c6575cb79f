/**
 * One copy of each short string in the analysis replies the server keeps. Replies arrive as
 * JSON, whose parser makes a new string for every value: the summaries of 500 open documents
 * held 9 MB of copies ("keras", "NCHW", the same output-size formula in every convolution).
 */

/** Longer strings (messages, explanations) are rarely equal; the pool holds at most this many. */
const MAX_LENGTH = 256;
const MAX_STRINGS = 100_000;

export class StringPool {
  private strings = new Map<string, string>();

  /** Replaces, in place, every short string inside `value` (plain objects and arrays) with the pool's copy. */
  intern(value: unknown): void {
    const stack: unknown[] = [value];
    while (stack.length) {
      const v = stack.pop();
      if (v === null || typeof v !== 'object') continue;
      const o = v as Record<string, unknown>;
      for (const k in o) {
        const x = o[k];
        if (typeof x === 'string') {
          if (x.length <= MAX_LENGTH) o[k] = this.copyOf(x);
        } else if (x !== null && typeof x === 'object') stack.push(x);
      }
    }
  }

  private copyOf(s: string): string {
    const kept = this.strings.get(s);
    if (kept !== undefined) return kept;
    // Past the bound, start again: strings already shared stay shared.
    if (this.strings.size >= MAX_STRINGS) this.strings = new Map();
    this.strings.set(s, s);
    return s;
  }
}
