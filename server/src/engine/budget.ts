/**
 * The budgets that bound one file's analysis, whatever the input: wall-clock time (read from
 * a clock the host passes, so the engine stays pure), interpreter steps, and size caps on
 * abstract values. Every operation that builds n items or looks at n items charges n steps,
 * so the step budget also bounds the memory the interpreter allocates.
 */
import { analysisIncomplete } from './rules/analysis-incomplete';
import type { AnalysisBudgets, AnalyzeOptions, Diagnostic } from './types';

/** `depth`: nesting (recursion through deep expressions) beyond what the call stack holds. */
export type BudgetName = 'time' | 'steps' | 'depth';

/** The defaults, documented in docs/ci.md (`time-budget`, `step-budget`, `max-collection-size`, `max-string-length`). */
export const DEFAULT_BUDGETS: Readonly<Required<AnalysisBudgets>> = {
  timeMs: 5_000,
  steps: 2_000_000,
  maxItems: 10_000,
  maxChars: 10_000,
};

/** How many steps may pass between two readings of the clock (reading it costs more than a step). */
const CLOCK_EVERY = 2_048;

export class BudgetExceeded extends Error {
  override name = 'BudgetExceeded';
  constructor(readonly budget: BudgetName) {
    super(`${budget} budget exhausted`);
  }
}

/** Counts the work of one analysis against its budgets; `charge` throws `BudgetExceeded`. */
export class Meter {
  readonly limits: Readonly<Required<AnalysisBudgets>>;
  private steps = 0;
  private stepLimit: number;
  private deadline: number;
  private readonly start: number;
  private nextClockReading = CLOCK_EVERY;
  private readonly clock: (() => number) | null;
  private readonly cancelled: (() => boolean) | undefined;

  constructor(options: AnalyzeOptions) {
    this.limits = resolveBudgets(options.budgets);
    this.clock = options.clock ?? null;
    this.cancelled = options.cancelled;
    this.start = this.clock ? this.clock() : 0;
    this.stepLimit = this.limits.steps;
    this.deadline = this.clock ? this.start + this.limits.timeMs : Infinity;
  }

  /** Steps charged so far. */
  get used(): number {
    return this.steps;
  }

  /** Charges `n` steps of work; throws when a budget is used up. */
  charge(n = 1): void {
    this.steps += n;
    if (this.steps > this.stepLimit) throw new BudgetExceeded('steps');
    if (this.steps >= this.nextClockReading) {
      this.nextClockReading = this.steps + CLOCK_EVERY;
      this.checkClock();
    }
  }

  /** Whether `share` of the time budget has passed. */
  pastShare(share: number): boolean {
    return this.clock !== null && this.clock() > this.start + this.limits.timeMs * share;
  }

  private checkClock(): void {
    if ((this.clock && this.clock() > this.deadline) || this.cancelled?.()) throw new BudgetExceeded('time');
  }

  /**
   * Lets the analysis use only `share` of each budget from now on (counted from the start), so
   * that a later phase keeps the rest: the module body leaves a reserve for running the models
   * it defined, so code after a model cannot starve the model's own analysis.
   */
  allow(share: number): void {
    this.stepLimit = Math.floor(this.limits.steps * share);
    this.deadline = this.clock ? this.start + this.limits.timeMs * share : Infinity;
  }

  /** Whether a sequence of `n` items (or a string of `n` characters) may be built; charges the work. */
  roomFor(n: number, kind: 'items' | 'chars' = 'items'): boolean {
    const max = kind === 'items' ? this.limits.maxItems : this.limits.maxChars;
    if (n > max) {
      this.charge(1);
      return false;
    }
    this.charge(1 + n);
    return true;
  }
}

export function resolveBudgets(b: AnalysisBudgets | undefined): Required<AnalysisBudgets> {
  const pick = (v: number | undefined, dflt: number) => (typeof v === 'number' && v > 0 && Number.isFinite(v) ? v : dflt);
  return {
    timeMs: pick(b?.timeMs, DEFAULT_BUDGETS.timeMs),
    steps: pick(b?.steps, DEFAULT_BUDGETS.steps),
    maxItems: pick(b?.maxItems, DEFAULT_BUDGETS.maxItems),
    maxChars: pick(b?.maxChars, DEFAULT_BUDGETS.maxChars),
  };
}

/**
 * The `analysis-incomplete` note: which budget ran out, on the first line of the statement
 * where the analysis stopped (`at`, an offset; 0 when it stopped before any code ran).
 */
export function budgetDiagnostic(budget: BudgetName, at: number, text: string, limits: Required<AnalysisBudgets>): Diagnostic {
  const lineEnd = text.indexOf('\n', at);
  const end = lineEnd < 0 ? text.length : lineEnd > at && text[lineEnd - 1] === '\r' ? lineEnd - 1 : lineEnd;
  const what =
    budget === 'time'
      ? `the time budget (${limits.timeMs < 1000 ? `${formatNumber(limits.timeMs)} ms` : `${formatNumber(limits.timeMs / 1000)} s`} per file) ran out`
      : budget === 'steps'
        ? `the step budget (${formatNumber(limits.steps)} steps) ran out`
        : 'calls and expressions nest too deeply';
  const advice = budget === 'depth' ? 'Simplify the recursion or the nesting to analyse further.' : `Raise \`${budget === 'time' ? 'time-budget' : 'step-budget'}\` in [tool.shapelint] to analyse further.`;
  return {
    code: analysisIncomplete.code,
    rule: analysisIncomplete.name,
    severity: 'info',
    message: `Analysis incomplete: ${what} here`,
    explanation: [
      'Findings made before the analysis stopped are reported; code from here on may hide more.',
      advice,
    ],
    range: { start: at, end: Math.max(at, end) },
    related: [],
    fixes: [],
  };
}

/** 2000000 → "2,000,000"; 2.5 → "2.5". */
function formatNumber(n: number): string {
  const [int, frac] = String(Math.round(n * 1000) / 1000).split('.');
  return int.replace(/\B(?=(\d{3})+(?!\d))/g, ',') + (frac ? `.${frac}` : '');
}
