/**
 * Errors a library raises by itself. Library-model stubs (`server/stubs/`) write a library's
 * argument checks as the library does: `raise ValueError(f"...")`, `assert cond, msg` or
 * `torch._assert(cond, msg)`, under an `if`. A raise reached in stub code on a path whose
 * conditions are all known becomes an `invalid-argument` diagnostic at the user's call into
 * the stub, with the raise's own message. It stays silent when any condition on the way is
 * unknown (an `if` or loop the interpreter explores both ways), when a `try` with handlers
 * may catch it, and when no user code called it.
 *
 * What counts as stub code is the interpreter's to say (`isStub`): the stub modules the project
 * resolver loaded, and, for tests that analyse `stub text + usage snippet` as one program, the
 * prefix set by `AnalyzeOptions.stubCodeEnd`.
 */
import { ruleByName } from '../rules/index';
import type { Diagnostic, TextRange } from '../types';

/** Thrown by a raise in stub code; caught by the user's call (whose value becomes unknown) or an uncertain branch. */
export class RaiseSignal {}

interface CallFrame {
  site: TextRange;
  /** Name of the function or class called (for the explanation), when known. */
  callee: string | null;
  /** `uncertainDepth` when the call was made: deeper at the raise means an unknown condition on the way. */
  uncertainDepth: number;
  /** Which call this is, in the order calls were made (tells a loop's calls at one site apart). */
  serial: number;
}

export class StubRaises {
  private readonly frames: CallFrame[] = [];
  private calls = 0;
  /** `try` bodies with handlers being executed: a raise there may be caught. */
  handlerDepth = 0;

  constructor(private readonly isStub: (range: TextRange) => boolean) {}

  /** Whether `range` lies in library stub code rather than the user's code. */
  isStubCode(range: TextRange): boolean {
    return this.isStub(range);
  }

  enter(site: TextRange, callee: string | null, uncertainDepth: number): void {
    this.frames.push({ site, callee, uncertainDepth, serial: this.calls++ });
  }

  leave(): void {
    this.frames.pop();
  }

  /** Calls made so far (each call's serial). */
  get callCount(): number {
    return this.calls;
  }

  /** Counts `n` calls made elsewhere (a shared module's evaluation), so later serials are as in a fresh analysis. */
  skipCalls(n: number): void {
    this.calls += n;
  }

  /**
   * What a raise in stub code at `at` does: report it (all conditions known, nothing may catch
   * it), unwind silently (a user call or an uncertain branch will catch the signal), or nothing
   * (no frame would catch it: the interpreter carries on as before).
   */
  verdict(at: TextRange, uncertainDepth: number): { report: CallFrame | null; unwind: boolean } {
    if (!this.isStubCode(at)) return { report: null, unwind: false };
    const user = this.userFrame();
    const report = user && user.uncertainDepth === uncertainDepth && this.handlerDepth === 0 ? user : null;
    return { report, unwind: user !== null || uncertainDepth > 0 };
  }

  /**
   * Where a diagnostic found at `range` is reported: there, unless it lies in stub code; then
   * at the user's call that led into the stub (the library's own files are never pointed at).
   */
  userSite(range: TextRange): TextRange | null {
    if (!this.isStubCode(range)) return range;
    return this.userFrame()?.site ?? null;
  }

  /**
   * Whether stub code running now was reached under a condition the user's call did not fix (an
   * `if` on an unknown value explored both ways, such as a module's `self.training` when its mode
   * is unknown): a diagnostic found there may be on a path that never runs, so it stays silent.
   */
  uncertainSinceUserCall(uncertainDepth: number): boolean {
    const user = this.userFrame();
    return user !== null && uncertainDepth > user.uncertainDepth;
  }

  /**
   * The calls being made inside stub code below the innermost user call, as `callee@serial` keys
   * (outermost first); `except` leaves out the call at that site (a layer's own constructor).
   */
  stubPath(except: TextRange): string[] {
    const user = this.userFrame();
    const from = user ? this.frames.lastIndexOf(user) + 1 : 0;
    const inStub = this.frames.slice(from).filter((f) => this.isStubCode(f.site) && f.site.start !== except.start);
    return inStub.map((f) => `${f.callee ?? 'call'}@${f.serial}`);
  }

  /** The innermost call made from user code. */
  private userFrame(): CallFrame | null {
    for (let i = this.frames.length - 1; i >= 0; i--) if (!this.isStubCode(this.frames[i].site)) return this.frames[i];
    return null;
  }

  diagnostic(frame: CallFrame, exception: string, message: string): Diagnostic {
    const rule = ruleByName('invalid-argument');
    const where = frame.callee ? `${frame.callee}()` : 'this call';
    return {
      code: rule.code,
      rule: rule.name,
      severity: rule.severity,
      message,
      explanation: [`${exception} raised by ${where}: the library checks its arguments and rejects these.`],
      range: frame.site,
      related: [],
      fixes: [],
    };
  }
}
