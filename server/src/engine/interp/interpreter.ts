/**
 * The abstract interpreter: executes a module's statements over abstract values, so that
 * constants, layer objects, containers, user model classes and tensors get the values the
 * real program would give them, as far as the code shows. Anything it cannot know is
 * `unknown`, and unknown never produces a diagnostic.
 *
 * Model semantics (containers, model runs, layer application, diagnostics) live in
 * `models.ts` and `models/`; this file is the Python part. The two sides talk only through
 * `InterpreterHost` and `ModelLayer` (`models/interfaces.ts`).
 */
import { BudgetExceeded, budgetDiagnostic, type Meter } from '../budget';
import { findLayer } from '../layers/index';
import { TABLE_ARRAY_ATTRIBUTES } from '../layers/numpy/loads';
import type { Arg, ClassDef, Expr, Module, Stmt, StrPart } from '../syntax/ast';
import { chargingConversionsTo } from '../syntax/convert';
import type { LineIndex } from '../positions';
import type { AnalysisResult, AnalyzeOptions, Diagnostic, ModelSummary, TensorFact, TextRange } from '../types';
import type { EvaluatedArgs } from './bind';
import { BUILTIN_NAMES, callBuiltin, callMath, callStrMethod, STR_METHODS } from './builtins';
import { callDict, lengthUnknown, madeAt, newDict, setDictItem } from './dicts';
import { canonicalMember, canonicalName } from './names';
import { binaryOp, compareOp, unaryOp } from './operators';
import { ModelEngine } from './models';
import type { InterpreterHost, ModelLayer } from './models/interfaces';
import { pyRepr, pyStr } from './python-str';
import { ownCopy, Scope, withScopeOverlay } from './scope';
import { optionsKey, type BodyEffects } from './shared-modules';
import { RaiseSignal, StubRaises } from './stub-raises';
import { trainingAttribute } from './train-mode';
import { forgetInPlace, loopWrites, WIDEN_AFTER, type LoopWrites } from './widening';
import { Imports, moduleScope } from './imports';
import { placeResults } from './placement';
import { Program, type LoadedModule } from './program';
import {
  dimValue,
  NONE_V,
  num,
  sameValue,
  str,
  truthy,
  UNKNOWN_V,
  type ClassValue,
  type FuncValue,
  type LayerValue,
  type ObjectValue,
  type Value,
} from './values';

export interface InterpretResult {
  diagnostics: Diagnostic[];
  models: ModelSummary[];
  tensors: TensorFact[];
  truncated: boolean;
  imports?: AnalysisResult['imports'];
  elsewhere?: AnalysisResult['elsewhere'];
}

/**
 * What the incremental cache (engine/incremental.ts) hands a run of some of the module's
 * top-level statements, and reads back: the frameworks' layer-name counters are the one piece
 * of model state a later statement sees without reaching it through a name.
 */
export interface RunCarry {
  /** Layer-name counters (Keras `dense_1`, Gluon `dense0`) at the start; the run updates them. */
  layerNames: Map<string, number>;
  /** The lines of the analysed text, when the caller keeps them across edits (a block run would index every line again). */
  lines?: LineIndex;
  /** Set by the run: the counters when the module body ended (before the models were probed). */
  bodyEnd?: Map<string, number>;
  /**
   * Set by the run: the number of summaries and tensor facts when the body ended, when unused
   * classes were instantiated, when the models the body made were probed, and at the end.
   */
  marks?: { models: number; tensors: number }[];
  /** Set by the run: the steps spent after the body (instantiating unused classes, probing models). */
  endSteps?: number;
  /**
   * Set by a run that follows imports: the marks of the facts placed in other files, by file
   * (`marks` then count the analysed file's facts), and what the result depends on besides the
   * entry's text (`Program.dependencies`: its segments are the lookups before the body, of each
   * top-level statement, and of the end phase).
   */
  elsewhereMarks?: Map<string, { models: number; tensors: number }[]>;
  /** Set with `elsewhereMarks`: a fact placed in another file names a place in the analysed file. */
  entryRefs?: boolean;
  dependencies?: ReturnType<Program['dependencies']>;
  /** Set by the run: whether its result shows lines of the analysed file as numbers (messages saying `line 12`). */
  showsLines?: boolean;
  /**
   * The block's span, when the run may show the lines inside it as placeholders relative to its
   * first line (`Program.relativeLines`; the analysed text holds no placeholder character).
   */
  span?: { start: number; end: number };
  /**
   * Set by the run: whether it wrote line placeholders (`positions.ts` `renderLines` names them);
   * `unsure` when a module it loaded holds the placeholder character, so its text might pass for one.
   */
  placeholders?: boolean | 'unsure';
}

const MAX_CALL_DEPTH = 40;
/**
 * Nesting of statements and expressions being executed, across calls. Past these, calls and
 * expressions are unknown: deeply nested code in a recursive function would otherwise
 * overflow the JavaScript stack.
 */
const MAX_NESTING = 500;
const MAX_NESTING_TO_CALL = 300;
const MAX_LOOP_ITERATIONS = 512;
/** Share of the budgets the module body may use; the rest runs the models it defined. */
const BODY_SHARE = 0.8;

export { BudgetExceeded };

/** A built-in exception class a stub may raise (`ValueError`, `AssertionError`...). */
const EXCEPTION_NAME = /^[A-Z][A-Za-z]*(Error|Exception)$/;

/** Values that belong to a model: a loop that computes one is never widened. */
const MODEL_VALUES = new Set<Value['t']>(['tensor', 'layer', 'object', 'class', 'super']);

/**
 * `importedName`'s answers by module and name: the prelude imports every block of an edited
 * document runs (engine/incremental.ts) ask the same ones at each edit. Bounded: cleared past
 * that many modules.
 */
const IMPORTED_NAMES = new Map<string, Map<string, { t: 'ext' | 'module'; path: string }>>();
const MAX_IMPORTED_MODULES = 2_000;

class ReturnSignal {
  constructor(readonly value: Value) {}
}
class BreakSignal {}
class ContinueSignal {}

export function interpretModule(module: Module, text: string, options: AnalyzeOptions, meter: Meter, carry?: RunCarry): InterpretResult {
  const interp = new Interpreter(module, text, options, meter, carry);
  try {
    return chargingConversionsTo(meter, () => withScopeOverlay(() => interp.run()));
  } finally {
    interp.program.dispose();
  }
}

export class Interpreter implements InterpreterHost {
  readonly global = new Scope(null, 'module');
  readonly models: ModelLayer;
  readonly tensors: TensorFact[] = [];
  private callDepth = 0;
  private nesting = 0;
  /** How many model values (tensors, layers, model objects) have been computed so far. */
  private modelTouches = 0;
  /** Lists and dicts mutated by the loops running now (innermost last), for widening. */
  private loopMutations: Set<Value>[] = [];
  /** The innermost statement being executed, to place a note when a budget runs out. */
  private lastStmt: Stmt | null = null;
  /** The analysed module and the modules it imports, in one program text. */
  readonly program: Program;
  private readonly imports: Imports;
  /** Call sites being executed (innermost last), to place errors raised inside library stubs. */
  /** Depth of `if` branches whose condition is unknown (their effects are uncertain). */
  uncertainDepth = 0;
  /** Return values seen inside uncertain branches of the current function call. */
  private pendingReturns: Value[][] = [];
  /** Call frames and the raises of library stub code (see stub-raises.ts). */
  readonly stubs: StubRaises;

  constructor(
    readonly module: Module,
    text: string,
    readonly options: AnalyzeOptions,
    readonly meter: Meter,
    private readonly carry?: RunCarry,
  ) {
    const entry: LoadedModule = { name: options.moduleName ?? '', source: null, isPackage: !!options.isPackage, base: 0, end: text.length, scope: this.global, running: true, lines: carry?.lines };
    this.global.module = entry;
    // Only a block run (`carry`) reads the lookups back: the CLI and whole-file analyses skip recording them.
    this.program = new Program(text, entry, options.modules, meter, options.modules?.shared ? optionsKey(options) : '', carry !== undefined);
    if (carry?.span) this.program.relativeLines = { ...carry.span, line: this.program.lineKey(carry.span.start) };
    this.imports = new Imports(this.program, {
      run: (mod, ast) => this.runModuleBody(mod, ast),
      reused: (effects) => {
        this.modelTouches += effects.touches;
        this.stubs.skipCalls(effects.calls);
      },
    });
    this.models = new ModelEngine(this, carry?.layerNames);
    this.stubs = new StubRaises((r) => r.start < (options.stubCodeEnd ?? 0) || this.program.isStub(r));
  }

  /** The program text: the analysed file, then the modules it imported. */
  get text(): string {
    return this.program.text;
  }

  stubPath(except: TextRange): string[] {
    return this.stubs.stubPath(except);
  }

  stubUncertain(): boolean {
    return this.stubs.uncertainSinceUserCall(this.uncertainDepth);
  }

  inEntry(r: TextRange): boolean {
    return this.program.inEntry(r);
  }

  sourceText(start: number, end: number): string {
    return this.program.sourceText(start, end);
  }

  lineName(offset: number): string {
    return this.program.lineName(offset);
  }

  lineKey(offset: number): number {
    return this.program.lineKey(offset);
  }

  lineLabel(offset: number, from: number): string {
    const m = this.program.moduleAt(offset);
    // A notebook's cells are the analysed file's; an imported module is a plain file.
    const line = this.program.lineName(offset, m === this.program.entry ? this.options.cells : undefined);
    if (m === this.program.moduleAt(from)) return line;
    return m.name ? `${line} of module ${m.name}` : `${line} of the analysed file`;
  }

  /**
   * Runs an imported module's body in its own scope, outside whatever branch or loop imported it,
   * and says whether it made anything besides names (model values, tensor facts, diagnostics).
   */
  private runModuleBody(mod: LoadedModule, ast: Module): BodyEffects {
    const before = { made: this.models.madeCount(), tensors: this.tensors.length, touches: this.modelTouches, calls: this.stubs.callCount };
    const saved = { uncertain: this.uncertainDepth, pending: this.pendingReturns, loops: this.loopMutations, depth: this.callDepth };
    this.uncertainDepth = 0;
    this.pendingReturns = [];
    this.loopMutations = [];
    try {
      for (const part of ast.body) for (const s of part.convert()) this.exec(s, mod.scope);
    } catch (e) {
      if (!(e instanceof ReturnSignal || e instanceof BreakSignal || e instanceof ContinueSignal)) throw e;
    } finally {
      this.uncertainDepth = saved.uncertain;
      this.pendingReturns = saved.pending;
      this.loopMutations = saved.loops;
      this.callDepth = saved.depth;
    }
    return {
      pure: this.models.madeCount() === before.made && this.tensors.length === before.tensors,
      touches: this.modelTouches - before.touches,
      calls: this.stubs.callCount - before.calls,
    };
  }

  /**
   * Runs the module body within most of the budgets, then the models it defined within the
   * rest: a budget used up by code after a model does not hide the model's own errors.
   */
  run(): InterpretResult {
    let stop: { budget: BudgetExceeded; at: number } | null = null;
    let topStart = 0;
    this.meter.allow(BODY_SHARE);
    try {
      for (const part of this.module.body) {
        // The lookups of each top-level statement apart (RunCarry.dependencies).
        if (this.carry) this.program.newSegment();
        topStart = part.start;
        for (const s of part.convert()) {
          topStart = s.r.start;
          this.execTopLevel(s);
        }
      }
    } catch (e) {
      const budget = asBudgetStop(e);
      if (budget) stop = { budget, at: topStart };
      else if (!(e instanceof ReturnSignal || e instanceof BreakSignal || e instanceof ContinueSignal)) throw e;
    }
    this.meter.allow(1);
    const carry = this.carry;
    if (carry) this.program.newSegment();
    const mark = () => carry?.marks?.push({ models: this.models.summaries().length, tensors: this.tensors.length });
    const bodySteps = this.meter.used;
    if (carry) {
      carry.bodyEnd = new Map(carry.layerNames);
      carry.marks = [];
      mark();
    }
    try {
      this.models.finish(mark);
    } catch (e) {
      const budget = asBudgetStop(e);
      if (!budget) throw e;
      stop ??= { budget, at: this.lastStmt?.r.start ?? 0 };
    }
    this.global.module!.running = false;
    mark();
    if (carry) carry.endSteps = this.meter.used - bodySteps;
    const diagnostics = this.models.diagnostics();
    if (stop) {
      const at = this.program.inEntry({ start: stop.at, end: stop.at }) ? stop.at : 0;
      diagnostics.push(budgetDiagnostic(stop.budget.budget, at, this.text, this.meter.limits));
    }
    const result = { diagnostics, models: this.models.summaries(), tensors: this.tensors, truncated: stop !== null };
    if (carry) {
      carry.showsLines = this.program.entryLinesShown;
      // A module's text quoted in a message could pass for a placeholder.
      carry.placeholders = !this.program.placeholders ? false : this.program.quotesPlaceholders() ? 'unsure' : true;
    }
    if (!this.program.multiFile) return result;
    const { placedMarks, ...placed } = placeResults(this.program, result, carry?.marks);
    if (carry && placedMarks) {
      carry.marks = placedMarks.entry;
      carry.elsewhereMarks = placedMarks.elsewhere;
      carry.entryRefs = placedMarks.entryRefs;
      carry.dependencies = this.program.dependencies();
    }
    return placed;
  }

  /** A top-level statement; a raise of stub code that no frame catches ends only this statement. */
  private execTopLevel(s: Stmt): void {
    try {
      this.exec(s, this.global);
    } catch (e) {
      if (!(e instanceof RaiseSignal)) throw e;
    }
  }

  /**
   * Where a diagnostic raised at `range` is shown: `range` itself in the user's code; for a place
   * inside a library stub, the innermost call site in the user's code (null when there is none).
   */
  userSite(range: TextRange): TextRange | null {
    return this.stubs.userSite(range);
  }

  tick(n = 1): void {
    this.meter.charge(n);
  }

  // ---------------------------------------------------------------- statements

  execBlock(stmts: Stmt[], scope: Scope): void {
    for (const s of stmts) this.exec(s, scope);
  }

  exec(s: Stmt, scope: Scope): void {
    this.tick();
    this.lastStmt = s;
    this.nesting++;
    try {
      this.execStmt(s, scope);
    } finally {
      this.nesting--;
    }
  }

  private execStmt(s: Stmt, scope: Scope): void {
    switch (s.k) {
      case 'assign': {
        const value = this.eval(s.value, scope);
        for (const t of s.targets) this.assign(t, value, scope);
        return;
      }
      case 'augassign': {
        const cur = this.eval(s.target, scope);
        const rhs = this.eval(s.value, scope);
        this.assign(s.target, this.binary(s.op.replace('=', ''), cur, rhs, s.r), scope);
        return;
      }
      case 'expr':
        this.eval(s.value, scope);
        return;
      case 'return':
        throw new ReturnSignal(s.value ? this.eval(s.value, scope) : NONE_V);
      case 'def':
        scope.set(s.name, { t: 'func', def: s, closure: scope });
        return;
      case 'class':
        this.modelTouches++;
        scope.set(s.name, this.defineClass(s, scope));
        return;
      case 'with':
        for (const it of s.items) {
          const v = this.eval(it.value, scope);
          if (it.alias) this.assign(it.alias, v, scope);
        }
        this.execBlock(s.body, scope);
        return;
      case 'for':
        this.execFor(s.target, s.iter, s.body, scope);
        return;
      case 'while':
        // The condition is rarely known statically; run the body once for its definitions.
        this.branch(() => this.execLoopBody(s.body, scope));
        return;
      case 'if':
        this.execIf(s.test, s.body, s.orelse, scope);
        return;
      case 'try':
        if (this.execTryBody(s.body, s.handlers.length > 0, scope)) this.execBlock(s.orelse, scope);
        this.execBlock(s.finalbody, scope);
        return;
      case 'raise':
        return this.execRaise(s.exc, s.r, scope);
      case 'assert':
        return this.execAssert(s.test, s.msg, s.r, scope);
      case 'import':
        this.imports.execImport(s, scope);
        return;
      case 'from': {
        if (this.program.multiFile && this.imports.execFrom(s, scope)) return;
        if (s.level > 0 && !s.module) return;
        const base = s.module;
        if (s.star) {
          const global = moduleScope(scope);
          (global.starModules ??= new Set()).add(canonicalName(base));
          return;
        }
        for (const n of s.names) scope.set(n.alias ?? n.name, this.importedName(base, n.name));
        return;
      }
      case 'other':
        return;
    }
  }

  /** A `try` body; false when a stub raise ended it (a handler may have caught it). */
  private execTryBody(body: Stmt[], hasHandlers: boolean, scope: Scope): boolean {
    if (!hasHandlers) {
      this.execBlock(body, scope);
      return true;
    }
    this.stubs.handlerDepth++;
    try {
      this.execBlock(body, scope);
      return true;
    } catch (e) {
      if (e instanceof RaiseSignal) return false;
      throw e;
    } finally {
      this.stubs.handlerDepth--;
    }
  }

  /**
   * `raise Error(message)`. Only stub code's raises mean anything (see stub-raises.ts); in the
   * user's code a raise changes nothing, as before.
   */
  private execRaise(exc: Expr | null, at: TextRange, scope: Scope): void {
    if (!this.stubs.isStubCode(at)) return;
    const named = exc?.k === 'call' && exc.func.k === 'name' && EXCEPTION_NAME.test(exc.func.id) && !scope.lookup(exc.func.id) ? exc : null;
    const first = named?.args[0] && !named.args[0].name && !named.args[0].star ? named.args[0].value : null;
    const message = first ? this.eval(first, scope) : UNKNOWN_V;
    this.stubRaise(named?.func.k === 'name' ? named.func.id : null, message, at);
  }

  /** `assert cond, msg` in stub code: a known false condition raises AssertionError. */
  private execAssert(test: Expr, msg: Expr | null, at: TextRange, scope: Scope): void {
    if (!this.stubs.isStubCode(at) || truthy(this.eval(test, scope)) !== false) return;
    this.stubRaise('AssertionError', msg ? this.eval(msg, scope) : UNKNOWN_V, at);
  }

  /** Reports the raise when the path to it is known, then unwinds to whoever catches it. */
  private stubRaise(exception: string | null, message: Value, at: TextRange): void {
    const verdict = this.stubs.verdict(at, this.uncertainDepth);
    const text = pyStr(message);
    if (verdict.report && exception && text !== null && message.t === 'str') {
      this.models.report(this.stubs.diagnostic(verdict.report, exception, text));
    }
    if (verdict.unwind) throw new RaiseSignal();
  }

  /** `from module import name` of a framework: the same for every analysis (a fresh copy each time, as values are not shared). */
  private importedName(module: string, name: string): Value {
    let byName = IMPORTED_NAMES.get(module);
    if (!byName) {
      if (IMPORTED_NAMES.size > MAX_IMPORTED_MODULES) IMPORTED_NAMES.clear();
      IMPORTED_NAMES.set(module, (byName = new Map()));
    }
    let found = byName.get(name);
    if (!found) byName.set(name, (found = this.frameworkName(module, name)));
    return { ...found };
  }

  private frameworkName(module: string, name: string): { t: 'ext' | 'module'; path: string } {
    const path = canonicalMember(module, name);
    if (findLayer(path) || this.models.isKnownClass(path)) return { t: 'ext', path };
    // `from mxnet import gluon, nd`: submodules.
    return /^[a-z_0-9]+$/.test(name) ? { t: 'module', path } : { t: 'ext', path };
  }

  private execIf(test: Expr, body: Stmt[], orelse: Stmt[], scope: Scope): void {
    const t = truthy(this.eval(test, scope));
    if (t === true) return this.execBlock(body, scope);
    if (t === false) return this.execBlock(orelse, scope);
    // Unknown condition: explore both branches and keep only what they agree on.
    this.tick(2 * scope.size);
    const a = scope.fork();
    const b = scope.fork();
    const ra = this.branch(() => this.execBlock(body, a));
    const rb = this.branch(() => this.execBlock(orelse, b));
    const merged = scope.fork();
    const names = new Set<string>();
    for (const [k] of a.entries()) names.add(k);
    for (const [k] of b.entries()) names.add(k);
    this.tick(names.size);
    for (const k of names) {
      const va = a.has(k) ? a.lookup(k)! : undefined;
      const vb = b.has(k) ? b.lookup(k)! : undefined;
      if (va && vb) merged.set(k, this.same(va, vb) ? va : UNKNOWN_V);
      else merged.set(k, UNKNOWN_V);
    }
    scope.replaceWith(merged);
    if (ra === 'returned' && rb === 'returned') {
      throw new ReturnSignal(this.mergeReturns());
    }
  }

  /** Runs `f` as an uncertain branch; a `return` inside it is remembered, not propagated. */
  private branch(f: () => void): 'returned' | 'fell-through' {
    this.uncertainDepth++;
    try {
      f();
      return 'fell-through';
    } catch (e) {
      if (e instanceof ReturnSignal) {
        this.pendingReturns[this.pendingReturns.length - 1]?.push(e.value);
        return 'returned';
      }
      if (e instanceof BreakSignal || e instanceof ContinueSignal || e instanceof RaiseSignal) return 'fell-through';
      throw e;
    } finally {
      this.uncertainDepth--;
    }
  }

  private mergeReturns(extra?: Value): Value {
    const pending = this.pendingReturns[this.pendingReturns.length - 1] ?? [];
    const all = extra ? [...pending, extra] : pending;
    if (all.length === 0) return NONE_V;
    return all.every((v) => this.same(v, all[0])) ? all[0] : UNKNOWN_V;
  }

  /** `sameValue`, charged for the items it compares. */
  same(a: Value, b: Value): boolean {
    return sameValue(a, b, (n) => this.tick(n));
  }

  private execFor(target: Expr, iterExpr: Expr, body: Stmt[], scope: Scope): void {
    const iter = this.eval(iterExpr, scope);
    const items = this.iterate(iter);
    if (items === null || items.length > MAX_LOOP_ITERATIONS) {
      // Unknown (or too long) iterable: run the body once with an unknown target (or the
      // item a loader gives every time) so definitions inside it are seen, but treat its
      // effects as uncertain.
      this.assign(target, (items === null ? this.models.iterationItem(iter, iterExpr.r) : null) ?? UNKNOWN_V, scope);
      this.branch(() => this.execLoopBody(body, scope));
      return;
    }
    const touchesBefore = this.modelTouches;
    const mutations = new Set<Value>();
    this.loopMutations.push(mutations);
    try {
      for (let i = 0; i < items.length; i++) {
        this.assign(target, items[i], scope);
        try {
          this.execBlock(body, scope);
        } catch (e) {
          if (e instanceof BreakSignal) break;
          if (e instanceof ContinueSignal) continue;
          throw e;
        } finally {
          this.tick();
        }
        const plain = this.modelTouches === touchesBefore;
        if (plain && i + 1 === WIDEN_AFTER && i + 1 < items.length && this.widen(target, body, scope, mutations)) break;
      }
    } finally {
      this.loopMutations.pop();
      const outer = this.loopMutations[this.loopMutations.length - 1];
      if (outer) for (const m of mutations) outer.add(m);
    }
  }

  /**
   * Stops a loop that has only computed plain values so far, unless its code could still
   * reach a model: whatever the remaining iterations could change becomes unknown (see
   * widening.ts). Returns whether it widened.
   */
  private widen(target: Expr, body: Stmt[], scope: Scope, mutations: Set<Value>): boolean {
    const writes = loopWrites(body, target);
    const alsoMutated: Value[] = [];
    if (!this.staysPlain(writes, scope, alsoMutated, new Set())) return false;
    this.tick(writes.names.size + writes.mutated.size + mutations.size + alsoMutated.length);
    for (const name of writes.mutated) {
      const v = scope.lookup(name);
      if (v) forgetInPlace(v);
    }
    for (const m of [...mutations, ...alsoMutated]) forgetInPlace(m);
    for (const name of writes.names) scope.set(name, UNKNOWN_V);
    // A later iteration could have returned: the function's result is then unknown.
    if (writes.returns) this.pendingReturns[this.pendingReturns.length - 1]?.push(UNKNOWN_V);
    return true;
  }

  /**
   * Whether code that reads `writes.reads` in `scope` can never reach a model: no name it
   * reads is bound to one, and the same holds for the bodies of the functions it names.
   * The lists and dicts those functions may mutate outside themselves go to `mutated`.
   */
  private staysPlain(writes: LoopWrites, scope: Scope, mutated: Value[], seen: Set<FuncValue['def']>): boolean {
    for (const name of writes.reads) {
      const v = scope.lookup(name);
      this.tick();
      if (!v) continue;
      if (MODEL_VALUES.has(v.t)) return false;
      if (v.t !== 'func' || seen.has(v.def)) continue;
      seen.add(v.def);
      const inner = loopWrites(v.def.body, null);
      const params = new Set(v.def.params.map((p) => p.name));
      const locals = new Set([...inner.names, ...params]);
      for (const root of inner.mutated) {
        // A helper that mutates a parameter may mutate any list the loop hands it.
        if (params.has(root)) for (const n of writes.reads) mutated.push(scope.lookup(n) ?? UNKNOWN_V);
        const target = locals.has(root) ? undefined : v.closure.lookup(root);
        if (target) mutated.push(target);
      }
      const outside = { ...inner, reads: new Set([...inner.reads].filter((n) => !locals.has(n))) };
      if (!this.staysPlain(outside, v.closure, mutated, seen)) return false;
    }
    return true;
  }

  /** Records that a list or dict was mutated, for the loops running now. */
  private noteMutation(v: Value): void {
    this.loopMutations[this.loopMutations.length - 1]?.add(v);
  }

  private execLoopBody(body: Stmt[], scope: Scope): void {
    try {
      this.execBlock(body, scope);
    } catch (e) {
      if (!(e instanceof BreakSignal || e instanceof ContinueSignal)) throw e;
    }
  }

  /** The items of an iterable value, or null when unknown. */
  iterate(v: Value): Value[] | null {
    switch (v.t) {
      case 'tuple':
      case 'list':
        return v.items;
      case 'range': {
        const out: Value[] = [];
        for (let x = v.start; v.step > 0 ? x < v.stop : x > v.stop; x += v.step) {
          out.push(num(x));
          if (out.length > MAX_LOOP_ITERATIONS) return null;
        }
        return out;
      }
      case 'dict':
        this.tick(v.entries.length);
        return v.entries.map(([k]) => k);
      case 'str':
        this.tick(v.v.length);
        return [...v.v].map(str);
      case 'object':
        if (v.container === 'torch.ModuleDict') return v.attrOrder.map(str);
        if (v.container === 'torch.ModuleList' || v.container === 'torch.Sequential' || v.container?.startsWith('gluon.') || v.container === 'keras.Sequential') {
          return v.items;
        }
        return null;
      default:
        return null;
    }
  }

  assign(target: Expr, value: Value, scope: Scope): void {
    switch (target.k) {
      case 'name':
        scope.set(target.id, value);
        this.models.noteAssignment(target.id, target.r, value);
        return;
      case 'attr': {
        const obj = this.eval(target.obj, scope);
        this.models.setAttribute(obj, target.name, value);
        this.models.noteTensor(target.r, target.name, value);
        return;
      }
      case 'tuple':
      case 'list': {
        const items = this.iterate(value);
        const starIdx = target.elts.findIndex((e) => e.k === 'starred');
        target.elts.forEach((t, i) => {
          if (t.k === 'starred') {
            this.assign(t.value, UNKNOWN_V, scope);
            return;
          }
          let v: Value = UNKNOWN_V;
          if (items && starIdx < 0 && items.length === target.elts.length) v = items[i];
          else if (items && starIdx < 0) v = UNKNOWN_V;
          this.assign(t, v, scope);
        });
        return;
      }
      case 'sub': {
        const obj = this.eval(target.obj, scope);
        const key = this.eval(target.index, scope);
        if (obj.t === 'dict') {
          this.noteMutation(obj);
          const known = obj.entries.some(([k]) => this.same(k, key));
          if (known || this.meter.roomFor(obj.entries.length + 1)) setDictItem(obj, key, value, this.uncertainDepth);
          else forgetInPlace(obj);
        } else if (obj.t === 'object' && obj.container === 'torch.ModuleDict' && key.t === 'str') {
          this.models.setContainerEntry(obj, key.v, value);
        } else if (obj.t === 'list') {
          this.noteMutation(obj);
          const idx = key.t === 'num' ? (key.v < 0 ? obj.items.length + key.v : key.v) : -1;
          if (idx >= 0 && idx < obj.items.length) obj.items[idx] = value;
          // A slice or an unknown index changes the list in ways not followed.
          else forgetInPlace(obj);
        }
        return;
      }
      default:
        return;
    }
  }

  // ---------------------------------------------------------------- classes and functions

  private defineClass(def: ClassDef, scope: Scope): ClassValue {
    const bases = def.bases.filter((b) => !b.name && !b.star).map((b) => this.eval(b.value, scope));
    const cls: ClassValue = { t: 'class', def, closure: scope, bases, attrs: new Map(), family: this.models.familyOf(bases) };
    const body = new Scope(scope, 'class');
    this.execBlock(def.body, body);
    for (const [k, v] of body.entries()) cls.attrs.set(k, v);
    this.models.noteClass(cls);
    return cls;
  }

  /** Finds an attribute on a class or its user-defined bases (MRO approximated depth-first). */
  findClassAttr(cls: ClassValue, name: string): { value: Value; owner: ClassValue } | null {
    // Depth-first, bases left to right, with an explicit stack: inheritance chains of any
    // length cannot overflow the call stack.
    const seen = new Set<ClassValue>();
    const stack: ClassValue[] = [cls];
    while (stack.length) {
      const c = stack.pop()!;
      if (seen.has(c)) continue;
      seen.add(c);
      this.tick();
      const v = c.attrs.get(name);
      // A class of a shared module (its scope frozen with the module's) gives this analysis its own lists and dicts.
      if (v) return { value: c.closure.frozen ? ownCopy(v) : v, owner: c };
      for (let i = c.bases.length - 1; i >= 0; i--) {
        const b = c.bases[i];
        if (b.t === 'class') stack.push(b);
      }
    }
    return null;
  }

  callFunction(fn: FuncValue, args: EvaluatedArgs): Value {
    if (this.callDepth >= MAX_CALL_DEPTH || this.nesting >= MAX_NESTING_TO_CALL) return UNKNOWN_V;
    this.callDepth++;
    this.pendingReturns.push([]);
    const scope = new Scope(fn.closure, 'function');
    // Python's implicit `__class__` of a method: where a zero-argument `super()` starts.
    if (fn.owner) scope.set('__class__', fn.owner);
    try {
      this.bindParams(fn, args, scope);
      try {
        this.execBlock(fn.def.body, scope);
        return this.mergeReturns(this.pendingReturns[this.pendingReturns.length - 1].length ? NONE_V : undefined);
      } catch (e) {
        if (e instanceof ReturnSignal) return this.mergeReturns(e.value);
        if (e instanceof BreakSignal || e instanceof ContinueSignal) return UNKNOWN_V;
        throw e;
      }
    } finally {
      this.pendingReturns.pop();
      this.callDepth--;
    }
  }

  private bindParams(fn: FuncValue, args: EvaluatedArgs, scope: Scope): void {
    const params = fn.def.params;
    const positional = fn.self ? [fn.self, ...args.positional] : args.positional;
    let i = 0;
    for (const p of params) {
      if (p.star === '*') {
        scope.set(p.name, args.opaque ? UNKNOWN_V : { t: 'tuple', items: positional.slice(i) });
        i = positional.length;
        continue;
      }
      if (p.star === '**') {
        const entries: [Value, Value][] = [];
        for (const [k, v] of args.keywords) if (!params.some((q) => q.name === k && !q.star)) entries.push([str(k), v]);
        scope.set(p.name, args.opaque ? UNKNOWN_V : newDict(entries, this.uncertainDepth));
        continue;
      }
      let v: Value | undefined;
      if (i < positional.length) v = positional[i++];
      else if (args.keywords.has(p.name)) v = args.keywords.get(p.name);
      else if (args.opaque) v = UNKNOWN_V;
      else if (p.default) v = this.eval(p.default, fn.closure);
      else v = this.clickDefault(fn, p.name);
      scope.set(p.name, v ?? UNKNOWN_V);
    }
  }

  /** `@click.option('--batch-size', default=64)` on a function called without that parameter. */
  private clickDefault(fn: FuncValue, name: string): Value | undefined {
    const options = fn.def.decorators.filter((d) => d.k === 'call' && d.func.k === 'attr' && d.func.name === 'option');
    return options.length ? this.models.decoratorDefault(options.map((d) => this.eval(d, fn.closure)), name) : undefined;
  }

  // ---------------------------------------------------------------- expressions

  eval(e: Expr, scope: Scope): Value {
    this.tick();
    if (this.nesting >= MAX_NESTING) return UNKNOWN_V;
    this.nesting++;
    try {
      const v = this.evalExpr(e, scope);
      if (MODEL_VALUES.has(v.t)) this.modelTouches++;
      return v;
    } finally {
      this.nesting--;
    }
  }

  private evalExpr(e: Expr, scope: Scope): Value {
    switch (e.k) {
      case 'num':
        return num(e.value, e.isFloat);
      case 'str':
        if (e.value !== null) return str(e.value);
        return e.parts ? this.formatString(e.parts, scope) : UNKNOWN_V;
      case 'bool':
        return { t: 'bool', v: e.value };
      case 'none':
        return NONE_V;
      case 'name': {
        const v = this.lookupName(e.id, scope);
        this.models.noteTensor(e.r, e.id, v, true);
        return v;
      }
      case 'tuple':
      case 'list':
      case 'set': {
        const items: Value[] = [];
        for (const x of e.elts) {
          if (x.k === 'starred') {
            const inner = this.iterate(this.eval(x.value, scope));
            if (!inner || !this.meter.roomFor(items.length + inner.length)) return UNKNOWN_V;
            items.push(...inner);
          } else items.push(this.eval(x, scope));
        }
        if (e.k === 'set') return UNKNOWN_V;
        return madeAt({ t: e.k, items }, this.uncertainDepth);
      }
      case 'dict': {
        const entries: [Value, Value][] = [];
        for (const it of e.items) {
          if (!it.key) {
            const inner = this.eval(it.value, scope);
            if (inner.t !== 'dict' || !this.meter.roomFor(entries.length + inner.entries.length)) return UNKNOWN_V;
            entries.push(...inner.entries);
          } else entries.push([this.eval(it.key, scope), this.eval(it.value, scope)]);
        }
        return newDict(entries, this.uncertainDepth);
      }
      case 'attr':
        return this.getAttr(this.eval(e.obj, scope), e.name, e.r);
      case 'call':
        return this.evalCall(e, scope);
      case 'sub':
        return this.subscript(this.eval(e.obj, scope), e.index, scope, e.r);
      case 'bin':
        return this.binary(e.op, this.eval(e.left, scope), this.eval(e.right, scope), e.r);
      case 'unary':
        return unaryOp(e.op, this.eval(e.operand, scope));
      case 'compare': {
        const vals = e.operands.map((o) => this.eval(o, scope));
        // `in` and `==` scan sequences and strings: charge their length.
        for (const v of vals) this.tick(v.t === 'list' || v.t === 'tuple' ? v.items.length : v.t === 'str' ? v.v.length : 0);
        let result: boolean | null = true;
        for (let i = 0; i < e.ops.length && result !== false; i++) {
          const r = compareOp(e.ops[i], vals[i], vals[i + 1]);
          result = r === null ? null : result === null ? (r ? null : false) : r;
        }
        return result === null ? UNKNOWN_V : { t: 'bool', v: result };
      }
      case 'boolop': {
        if (e.op === 'not') {
          const t = truthy(this.eval(e.operands[0], scope));
          return t === null ? UNKNOWN_V : { t: 'bool', v: !t };
        }
        const a = this.eval(e.operands[0], scope);
        const ta = truthy(a);
        if (ta === null) return UNKNOWN_V;
        if (e.op === 'and') return ta ? this.eval(e.operands[1], scope) : a;
        return ta ? a : this.eval(e.operands[1], scope);
      }
      case 'cond': {
        const t = truthy(this.eval(e.test, scope));
        if (t === null) {
          const a = this.eval(e.body, scope);
          const b = this.eval(e.orelse, scope);
          if (this.same(a, b)) return a;
          return isStr(a) && isStr(b) ? SOME_STR : UNKNOWN_V;
        }
        return this.eval(t ? e.body : e.orelse, scope);
      }
      case 'comp':
        return this.evalComprehension(e, scope);
      case 'lambda':
        return { t: 'func', def: e.def, closure: scope };
      case 'slice':
      case 'starred':
      case 'unknown':
        return UNKNOWN_V;
    }
  }

  /** An f-string: known when every interpolated value has a known text. */
  private formatString(parts: StrPart[], scope: Scope): Value {
    let out = '';
    for (const p of parts) {
      const text = typeof p === 'string' ? p : (p.repr ? pyRepr : pyStr)(this.eval(p.expr, scope));
      if (text === null) return UNKNOWN_V;
      out += text;
    }
    return this.meter.roomFor(out.length, 'chars') ? str(out) : UNKNOWN_V;
  }

  private evalComprehension(e: Extract<Expr, { k: 'comp' }>, scope: Scope): Value {
    const items = this.iterate(this.eval(e.iter, scope));
    if (!items) return UNKNOWN_V;
    const inner = new Scope(scope, 'function');
    const out: Value[] = [];
    for (const item of items) {
      this.tick();
      this.assign(e.target, item, inner);
      let keep = true;
      for (const cond of e.ifs) {
        const t = truthy(this.eval(cond, inner));
        if (t === null) return UNKNOWN_V;
        keep &&= t;
      }
      if (keep) out.push(this.eval(e.elt, inner));
    }
    if (e.kind === 'dict') {
      // Each item is the (key, value) tuple of `elt`; only known keys make a known dict.
      const pairs = out.map((kv) => (kv.t === 'tuple' && (kv.items[0].t === 'str' || kv.items[0].t === 'num') ? [kv.items[0], kv.items[1]] as [Value, Value] : null));
      return pairs.every((p) => p) ? newDict(pairs as [Value, Value][], this.uncertainDepth) : UNKNOWN_V;
    }
    return e.kind === 'set' ? UNKNOWN_V : madeAt({ t: e.kind === 'list' ? 'list' : 'tuple', items: out }, this.uncertainDepth);
  }

  lookupName(id: string, scope: Scope): Value {
    const v = scope.lookup(id);
    if (v) return v;
    if (BUILTIN_NAMES.has(id) || id === 'super' || id === 'print' || id === 'isinstance') return { t: 'ext', path: `builtins.${id}` };
    for (const m of moduleScope(scope).starModules ?? []) {
      const path = canonicalMember(m, id);
      if (findLayer(path) || this.models.isKnownClass(path)) return { t: 'ext', path };
    }
    return UNKNOWN_V;
  }

  getAttr(obj: Value, name: string, range: TextRange): Value {
    switch (obj.t) {
      case 'module': {
        if (obj.mod) return this.imports.attribute(obj.mod, name) ?? UNKNOWN_V;
        const stub = this.imports.frameworkAttribute(obj.path, name);
        if (stub) return stub;
        const path = canonicalMember(obj.path, name);
        if (findLayer(path) || this.models.isKnownClass(path)) return { t: 'ext', path };
        return /^[a-z_0-9]+$/.test(name) && !findLayer(path) ? { t: 'module', path } : { t: 'ext', path };
      }
      case 'ext':
        return { t: 'ext', path: canonicalMember(obj.path, name) };
      case 'object': {
        const a = obj.attrs.get(name) ?? (name === 'training' ? trainingAttribute(obj) : undefined);
        if (a) return a;
        if (obj.cls) {
          const found = this.findClassAttr(obj.cls, name);
          if (found) return found.value.t === 'func' ? bindMethod(found.value, obj, obj.cls, found.owner) : found.value;
        }
        return { t: 'method', self: obj, name, range };
      }
      case 'class': {
        const found = this.findClassAttr(obj, name);
        if (found?.value.t === 'func' && decoratedWith(found.value, 'classmethod')) return { ...found.value, self: obj, owner: found.owner };
        return found ? found.value : UNKNOWN_V;
      }
      case 'super': {
        const cls = obj.after ?? obj.obj.cls;
        if (cls) {
          for (const b of cls.bases) {
            if (b.t === 'class') {
              const found = this.findClassAttr(b, name);
              // A classmethod reached through super() is still bound to the instance's own class.
              if (found && found.value.t === 'func') return bindMethod(found.value, obj.obj, obj.obj.cls ?? cls, found.owner);
            }
          }
        }
        // `super().train(mode)` in a module that overrides train(): nn.Module's own, which sets the mode.
        if (name === 'train' || name === 'eval') return { t: 'method', self: obj.obj, name, range };
        return { t: 'method', self: UNKNOWN_V, name: '__super__', range };
      }
      case 'str':
        return STR_METHODS.has(name) ? { t: 'method', self: obj, name, range } : UNKNOWN_V;
      case 'tensor':
        if (name === 'shape') return this.models.shapeTuple(obj);
        if (name === 'ndim') return obj.shape && !obj.shape.open ? num(obj.shape.dims.length) : UNKNOWN_V;
        // `x.dtype` as the library names it (`torch.float32`), so `dtype=x.dtype` keeps it.
        if (name === 'dtype' && obj.dtype && (obj.lib === 'torch' || obj.lib === 'numpy')) return { t: 'ext', path: `${obj.lib}.${obj.dtype}` };
        if (!obj.shape && obj.lib === 'numpy' && TABLE_ARRAY_ATTRIBUTES.has(name)) return { ...obj };
        if (name === 'T' && obj.shape && !obj.shape.open) {
          return { ...obj, shape: { dims: [...obj.shape.dims].reverse(), open: false } };
        }
        return { t: 'method', self: obj, name, range };
      case 'layer':
        return torchLayerSize(obj, name) ?? { t: 'method', self: obj, name, range };
      case 'list':
      case 'dict':
      case 'tuple':
        return { t: 'method', self: obj, name, range };
      default:
        return UNKNOWN_V;
    }
  }

  private subscript(obj: Value, indexExpr: Expr, scope: Scope, range: TextRange): Value {
    if (indexExpr.k === 'slice') {
      const lo = indexExpr.lower ? this.eval(indexExpr.lower, scope) : NONE_V;
      const hi = indexExpr.upper ? this.eval(indexExpr.upper, scope) : NONE_V;
      const st = indexExpr.step ? this.eval(indexExpr.step, scope) : NONE_V;
      if (obj.t === 'tuple' || obj.t === 'list' || obj.t === 'str') return sliceValue(obj, lo, hi, st, this.meter);
      if (obj.t === 'object' && obj.container) return UNKNOWN_V;
      if (obj.t === 'tensor') return this.models.indexTensor(obj, [indexExpr], scope, range);
      return UNKNOWN_V;
    }
    if (obj.t === 'tensor') {
      const parts = indexExpr.k === 'tuple' ? indexExpr.elts : [indexExpr];
      return this.models.indexTensor(obj, parts, scope, range);
    }
    const key = this.eval(indexExpr, scope);
    if ((obj.t === 'tuple' || obj.t === 'list') && key.t === 'num' && Number.isInteger(key.v)) {
      const i = key.v < 0 ? obj.items.length + key.v : key.v;
      return i >= 0 && i < obj.items.length ? obj.items[i] : UNKNOWN_V;
    }
    if (obj.t === 'str' && key.t === 'num') {
      const i = key.v < 0 ? obj.v.length + key.v : key.v;
      return i >= 0 && i < obj.v.length ? str(obj.v[i]) : UNKNOWN_V;
    }
    if (obj.t === 'dict') {
      const hit = obj.entries.find(([k]) => this.same(k, key));
      return hit ? hit[1] : UNKNOWN_V;
    }
    if (obj.t === 'object') return this.models.indexContainer(obj, key, range);
    if (obj.t === 'range' && key.t === 'num') return num(obj.start + key.v * obj.step);
    return UNKNOWN_V;
  }

  binary(op: string, a: Value, b: Value, range: TextRange): Value {
    if (a.t === 'tensor' || b.t === 'tensor') return this.models.tensorBinary(op, this.fitForModels(a), this.fitForModels(b), range);
    return binaryOp(op, a, b, this.meter);
  }

  evalArgs(args: Arg[], scope: Scope): EvaluatedArgs {
    const positional: Value[] = [];
    // Most calls pass no keyword: they share one empty map (nothing writes to a call's keywords after this).
    const keywords = passesKeywords(args) ? new Map<string, Value>() : NO_KEYWORDS;
    let opaque = false;
    let unknownStar = false;
    for (const a of args) {
      if (a.star === '*') {
        const items = this.iterate(this.eval(a.value, scope));
        if (items && !unknownStar && this.meter.roomFor(positional.length + items.length)) positional.push(...items);
        else opaque = unknownStar = true;
      } else if (a.star === '**') {
        const d = this.eval(a.value, scope);
        if (d.t === 'dict' && d.entries.every(([k]) => k.t === 'str')) {
          for (const [k, v] of d.entries) keywords.set((k as { v: string }).v, v);
        } else opaque = true;
      } else if (a.name) keywords.set(a.name, this.eval(a.value, scope));
      else if (unknownStar) this.eval(a.value, scope); // its position after `*unknown` is unknown
      else positional.push(this.eval(a.value, scope));
    }
    return { positional, keywords, opaque, unknownStar };
  }

  private evalCall(e: Extract<Expr, { k: 'call' }>, scope: Scope): Value {
    const callee = this.eval(e.func, scope);
    const args = this.evalArgs(e.args, scope);
    return this.call(callee, args, e, scope);
  }

  /**
   * A call, as one frame of the stub-raise machinery: a raise in stub code below the user's
   * call unwinds to it, and the call's value is then unknown.
   */
  call(callee: Value, args: EvaluatedArgs, site: Extract<Expr, { k: 'call' }>, scope: Scope): Value {
    const fromUser = !this.stubs.isStubCode(site.r);
    this.stubs.enter(site.r, callee.t === 'func' || callee.t === 'class' ? callee.def.name : null, this.uncertainDepth);
    try {
      return this.callValue(callee, args, site, scope);
    } catch (e) {
      if (e instanceof RaiseSignal && fromUser) return UNKNOWN_V;
      throw e;
    } finally {
      this.stubs.leave();
    }
  }

  private callValue(callee: Value, args: EvaluatedArgs, site: Extract<Expr, { k: 'call' }>, scope: Scope): Value {
    switch (callee.t) {
      case 'func':
        return this.callFunction(callee, args);
      case 'class':
        return this.models.instantiate(callee, this.boundedArgs(args), site);
      case 'ext':
      // A lowercase attribute of a module (`math.sqrt`) reads as a submodule until it is called.
      case 'module':
        return callee.t === 'module' && callee.mod ? UNKNOWN_V : this.callExternal(callee.path, args, site, scope);
      case 'object':
      case 'layer':
        return this.models.callModel(callee, this.boundedArgs(args), site);
      case 'method':
        if (callee.self.t === 'str') return callStrMethod(callee.self.v, callee.name, args.positional, this.meter);
        if (callee.self.t === 'list' || callee.self.t === 'dict') return this.callContainerMethod(callee, args, site);
        return this.models.callMethod(callee, this.boundedArgs(args), site);
      default:
        return UNKNOWN_V;
    }
  }

  /**
   * A method of a list or dict. It may mutate the receiver (recorded for widening); growing a
   * list past the size cap makes it unknown instead.
   */
  private callContainerMethod(callee: Extract<Value, { t: 'method' }>, args: EvaluatedArgs, site: Extract<Expr, { k: 'call' }>): Value {
    const self = callee.self;
    this.noteMutation(self);
    if (self.t === 'list') {
      const added = callee.name === 'extend' ? this.iterate(args.positional[0] ?? UNKNOWN_V)?.length ?? 1 : callee.name === 'append' || callee.name === 'insert' ? 1 : 0;
      if (added > 0 && !this.meter.roomFor(self.items.length + added)) {
        forgetInPlace(self);
        return UNKNOWN_V;
      }
    } else if (self.t === 'dict') this.tick(self.entries.length);
    return this.models.callMethod(callee, args, site);
  }

  private callExternal(path: string, args: EvaluatedArgs, site: Extract<Expr, { k: 'call' }>, scope: Scope): Value {
    if (path.startsWith('builtins.')) {
      const name = path.slice('builtins.'.length);
      if (name === 'super') {
        const self = scope.lookup('self');
        // `super(Base, self)` in a base class's __init__ run for a subclass continues after Base, not after the subclass.
        const named = args.positional[0] ?? scope.lookup('__class__');
        const after = named?.t === 'class' ? { after: named } : {};
        return self && self.t === 'object' ? { t: 'super', obj: self, ...after } : UNKNOWN_V;
      }
      if (name === 'dict') return callDict(args, this.uncertainDepth);
      const data = this.models.dataBuiltin(name, args.positional, site.r);
      if (data) return data;
      if (name === 'len' && lengthUnknown(args.positional[0])) return UNKNOWN_V;
      const result = callBuiltin(name, args.positional, this.meter) ?? UNKNOWN_V;
      return result.t === 'list' ? madeAt(result, this.uncertainDepth) : result;
    }
    if (path.startsWith('math.')) return callMath(path.slice(5), args.positional, this.meter);
    if (path === 'torch._assert' && truthy(args.positional[0] ?? UNKNOWN_V) === false) {
      this.stubRaise('AssertionError', args.positional[1] ?? args.keywords.get('message') ?? UNKNOWN_V, site.r);
    }
    const bounded = this.boundedArgs(args);
    return this.models.callQualified(path, bounded, site);
  }

  /**
   * Arguments for the model engine, which reads values deeply (layer arguments, nested
   * inputs): a list, tuple or dict with more nested items than the size cap becomes unknown.
   * Shared references could otherwise make a list of 10,000 references to one 10,000-item
   * list cost 100 million steps there, uncharged.
   */
  private boundedArgs(args: EvaluatedArgs): EvaluatedArgs {
    if (this.allFitDeeply(args)) return args;
    const keywords = new Map<string, Value>();
    for (const [k, v] of args.keywords) keywords.set(k, this.fitForModels(v));
    return { positional: args.positional.map((v) => this.fitForModels(v)), keywords, opaque: args.opaque };
  }

  /** `fitsDeeply` of each argument in turn, positional then keywords, up to the first that does not fit. */
  private allFitDeeply(args: EvaluatedArgs): boolean {
    for (const v of args.positional) if (!this.fitsDeeply(v)) return false;
    for (const v of args.keywords.values()) if (!this.fitsDeeply(v)) return false;
    return true;
  }

  private fitForModels(v: Value): Value {
    return this.fitsDeeply(v) ? v : UNKNOWN_V;
  }

  /** Whether `v` has at most `maxItems` nested items (counted with repeats); charges the count. */
  private fitsDeeply(v: Value): boolean {
    if (v.t !== 'list' && v.t !== 'tuple' && v.t !== 'dict') return true;
    const max = this.meter.limits.maxItems;
    const stack: Value[] = [v];
    let count = 0;
    while (stack.length && count <= max) {
      const x = stack.pop()!;
      count++;
      if (x.t === 'list' || x.t === 'tuple') stack.push(...x.items);
      else if (x.t === 'dict') for (const [k, val] of x.entries) stack.push(k, val);
    }
    this.tick(count);
    return count <= max;
  }

  dim = dimValue;
}

/**
 * A budget that stopped the analysis: `BudgetExceeded`, or a JavaScript stack overflow, which
 * the nesting limits should prevent but which must not lose the findings made so far.
 */
function asBudgetStop(e: unknown): BudgetExceeded | null {
  if (e instanceof BudgetExceeded) return e;
  if (e instanceof RangeError && /call stack/i.test(e.message)) return new BudgetExceeded('depth');
  return null;
}

function sliceValue(obj: Value & { t: 'tuple' | 'list' | 'str' }, lo: Value, hi: Value, st: Value, meter: Meter): Value {
  const len = obj.t === 'str' ? obj.v.length : obj.items.length;
  const get = (v: Value, dflt: number) => (v.t === 'none' ? dflt : v.t === 'num' && Number.isInteger(v.v) ? v.v : null);
  const step = get(st, 1);
  if (step === null || step === 0) return UNKNOWN_V;
  let start = get(lo, step > 0 ? 0 : len - 1);
  let stop = get(hi, step > 0 ? len : -len - 1);
  if (start === null || stop === null) return UNKNOWN_V;
  const norm = (x: number, isStop: boolean) => {
    if (x < 0) x += len;
    if (step > 0) return Math.min(Math.max(x, 0), len);
    return Math.min(Math.max(x, isStop ? -1 : 0), len - 1);
  };
  start = norm(start, false);
  stop = lo.t === 'none' && step < 0 ? norm(start, false) : norm(stop, true);
  if (hi.t === 'none' && step < 0) stop = -1;
  const count = Math.max(0, Math.ceil((stop - start) / step));
  if (!meter.roomFor(count, obj.t === 'str' ? 'chars' : 'items')) return UNKNOWN_V;
  const idx: number[] = [];
  for (let i = start; step > 0 ? i < stop : i > stop; i += step) idx.push(i);
  if (obj.t === 'str') return str(idx.map((i) => obj.v[i]).join(''));
  return { t: obj.t, items: idx.map((i) => obj.items[i]) };
}

export type { ObjectValue };

/** The keywords of every call that passes none (never written to). */
const NO_KEYWORDS: Map<string, Value> = new Map();

function passesKeywords(args: Arg[]): boolean {
  for (const a of args) if (a.name || a.star === '**') return true;
  return false;
}

/** Size attributes a torch.nn module keeps exactly as its constructor got them (`model.fc.in_features`). */
const TORCH_SIZE_ATTRIBUTES = new Set(['in_features', 'out_features', 'in_channels', 'out_channels', 'num_features', 'embed_dim', 'num_heads', 'groups', 'input_size', 'hidden_size', 'num_layers', 'num_embeddings', 'embedding_dim']);

function torchLayerSize(layer: LayerValue, name: string): Value | null {
  if (layer.def.framework !== 'torch' || !TORCH_SIZE_ATTRIBUTES.has(name)) return null;
  const v = layer.args.get(name);
  return typeof v === 'number' ? num(v) : null;
}

/** A value that is some string, unknown which (both arms of a conditional are strings). */
const SOME_STR: Value = { t: 'unknown', str: true };

function isStr(v: Value): boolean {
  return v.t === 'str' || (v.t === 'unknown' && v.str === true);
}

/** Whether a function definition carries `@name` (or `@builtins.name`). */
function decoratedWith(fn: FuncValue, name: string): boolean {
  return fn.def.decorators.some((d) => (d.k === 'name' && d.id === name) || (d.k === 'attr' && d.name === name));
}

/**
 * A function found on an instance's class, bound as Python binds it: a plain function to the
 * instance, a `@classmethod` to the class, a `@staticmethod` to nothing (its first parameter is
 * an ordinary argument).
 */
function bindMethod(fn: FuncValue, instance: Value, cls: ClassValue, owner: ClassValue): FuncValue {
  if (decoratedWith(fn, 'staticmethod')) return fn;
  return { ...fn, self: decoratedWith(fn, 'classmethod') ? cls : instance, owner };
}
