/**
 * The terminal: whether to colour (`--color`, `NO_COLOR`, `FORCE_COLOR`, a TTY), the colours
 * Ruff uses for the parts of a report, and a progress line on stderr for long runs.
 */
import type { CliIo } from './io';

export type ColorChoice = 'auto' | 'always' | 'never';

/** `never`/`always` win; `auto` honours NO_COLOR (any value), then FORCE_COLOR (not 0/false), then a TTY. */
export function useColor(choice: ColorChoice, io: Pick<CliIo, 'env' | 'stdoutIsTTY'>): boolean {
  if (choice !== 'auto') return choice === 'always';
  if (io.env.NO_COLOR) return false;
  const force = io.env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force !== 'false';
  return !!io.stdoutIsTTY;
}

const sgr = (open: string) => (on: boolean) => (s: string) => (on && s ? `\x1b[${open}m${s}\x1b[0m` : s);

/** Ruff's palette: codes bold red, locations and gutters bold blue, fix marks cyan, help bold cyan. */
export function palette(on: boolean) {
  return {
    code: sgr('1;31')(on),
    caret: sgr('1;31')(on),
    gutter: sgr('1;34')(on),
    location: sgr('1')(on),
    fixable: sgr('36')(on),
    help: sgr('1;36')(on),
    note: sgr('1')(on),
    removed: sgr('31')(on),
    added: sgr('32')(on),
  };
}

export type Palette = ReturnType<typeof palette>;

/**
 * `Checking 120/400 files` on stderr, redrawn in place, for runs long enough to need it: only
 * when stderr is a terminal, never in CI (its logs are no terminal even when they claim to be).
 */
export class Progress {
  private shown = false;
  private last = -Infinity;

  constructor(
    private readonly io: CliIo,
    private readonly enabled: boolean,
    private readonly now: () => number = () => Date.now(),
  ) {}

  static wanted(io: CliIo, quiet: boolean): boolean {
    return !quiet && !!io.stderrIsTTY && !io.env.CI && !io.env.GITHUB_ACTIONS;
  }

  update(done: number, total: number): void {
    // Redraws are throttled; small runs finish before the first one is due.
    if (!this.enabled || total < 2 || (this.now() - this.last < 100 && done < total)) return;
    this.last = this.now();
    this.io.stderr(`\r\x1b[2KChecking ${done}/${total} files`);
    this.shown = true;
  }

  /** Erases the line, so nothing of it stays above the report. */
  clear(): void {
    if (this.shown) this.io.stderr('\r\x1b[2K');
    this.shown = false;
  }
}
