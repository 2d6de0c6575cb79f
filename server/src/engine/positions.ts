/**
 * The one place where offsets become lines and columns.
 *
 * The engine reports UTF-16 code-unit offsets (JavaScript string indices, which is also what
 * both tree-sitter backends report for string input). Consumers want:
 *  - LSP: 0-based line and UTF-16 character (the protocol default encoding);
 *  - the CLI and machine formats: 1-based line and 1-based column counted in Unicode code
 *    points (what Ruff prints), so `é` and `𝒳` each count as one column.
 */
export interface LspPosition {
  line: number;
  character: number;
}

export interface CliPosition {
  /** 1-based line. */
  row: number;
  /** 1-based column in code points. */
  column: number;
}

export class LineIndex {
  /** Offsets at which each line starts. Lines end at \n, \r\n or a lone \r (as Python and LSP do). */
  private readonly lineStarts: number[];

  constructor(private readonly text: string) {
    const starts = [0];
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      if (ch === 10) starts.push(i + 1);
      else if (ch === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        starts.push(i + 1);
      }
    }
    this.lineStarts = starts;
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  /** 0-based line containing `offset` (clamped into the text). */
  lineOf(offset: number): number {
    const o = clamp(offset, 0, this.text.length);
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= o) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  lineStart(line: number): number {
    return this.lineStarts[clamp(line, 0, this.lineStarts.length - 1)];
  }

  /** Offset just past the line's content (before its line break). */
  lineEnd(line: number): number {
    const l = clamp(line, 0, this.lineStarts.length - 1);
    let end = l + 1 < this.lineStarts.length ? this.lineStarts[l + 1] : this.text.length;
    while (end > this.lineStarts[l] && (this.text.charCodeAt(end - 1) === 10 || this.text.charCodeAt(end - 1) === 13)) end--;
    return end;
  }

  lineText(line: number): string {
    return this.text.slice(this.lineStart(line), this.lineEnd(line));
  }

  toLsp(offset: number): LspPosition {
    const line = this.lineOf(offset);
    return { line, character: clamp(offset, 0, this.text.length) - this.lineStarts[line] };
  }

  /** LSP position → offset; out-of-range lines/characters are clamped as the LSP spec asks. */
  fromLsp(pos: LspPosition): number {
    if (pos.line < 0) return 0;
    if (pos.line >= this.lineStarts.length) return this.text.length;
    const start = this.lineStarts[pos.line];
    return Math.min(start + Math.max(0, pos.character), this.lineEnd(pos.line));
  }

  toCli(offset: number): CliPosition {
    const line = this.lineOf(offset);
    const start = this.lineStarts[line];
    const end = clamp(offset, 0, this.text.length);
    return { row: line + 1, column: codePointLength(this.text, start, end) + 1 };
  }

  /** 1-based row and code-point column → offset. */
  fromCli(pos: CliPosition): number {
    const start = this.lineStart(pos.row - 1);
    const lineEnd = this.lineEnd(pos.row - 1);
    let o = start;
    for (let col = 1; col < pos.column && o < lineEnd; col++) {
      o += isHighSurrogate(this.text.charCodeAt(o)) ? 2 : 1;
    }
    return o;
  }
}

function codePointLength(text: string, start: number, end: number): number {
  let n = 0;
  for (let i = start; i < end; i++) {
    n++;
    if (isHighSurrogate(text.charCodeAt(i)) && i + 1 < end) i++;
  }
  return n;
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}
