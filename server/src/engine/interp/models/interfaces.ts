/**
 * The two narrow interfaces between the Python interpreter and the model layer (as Pyright's
 * checker and type evaluator talk through interfaces, not one class):
 *  - `InterpreterHost`: what the interpreter offers the model layer (evaluating code, calling
 *    user functions, iterating, the step budget, the source text and options);
 *  - `ModelLayer`: what the model layer offers the interpreter (meaning for classes, objects,
 *    layers, containers and tensors, and the results at the end).
 */
import type { Expr, Module } from '../../syntax/ast';
import type { AnalyzeOptions, Diagnostic, Dim, ModelSummary, TensorFact, TextRange } from '../../types';
import type { EvaluatedArgs } from '../bind';
import type { Scope } from '../scope';
import type { ClassValue, FuncValue, LayerValue, ModelFamily, ObjectValue, TensorVal, Value } from '../values';

export type CallSite = Extract<Expr, { k: 'call' }>;

export interface InterpreterHost {
  /** The analysed file and the unshared modules it imported (offsets of shared modules lie beyond it: use `sourceText`). */
  readonly text: string;
  /** The program's source between two offsets, in whichever module they are. */
  sourceText(start: number, end: number): string;
  readonly module: Module;
  readonly options: AnalyzeOptions;
  /** Tensor facts for hovers and inlay hints. */
  readonly tensors: TensorFact[];
  /** Depth of `if` branches whose condition is unknown (their effects are uncertain). */
  readonly uncertainDepth: number;
  /** Where a diagnostic at `range` is reported: the user's call into a library stub when `range` is in stub code, null when no user call led there. */
  userSite(range: TextRange): TextRange | null;
  eval(e: Expr, scope: Scope): Value;
  callFunction(fn: FuncValue, args: EvaluatedArgs): Value;
  /** The items of an iterable value, or null when unknown. */
  iterate(v: Value): Value[] | null;
  /** One step of the budget; throws `BudgetExceeded` when it runs out. */
  tick(): void;
  dim(d: Dim | undefined): Value;
  findClassAttr(cls: ClassValue, name: string): { value: Value; owner: ClassValue } | null;
  /** The stub calls being executed below the user's call into a library stub (see `StubRaises.stubPath`). */
  stubPath(except: TextRange): string[];
  /** Whether stub code now runs under an unknown condition met since the user's call into it (see `StubRaises.uncertainSinceUserCall`). */
  stubUncertain(): boolean;
  /** Whether `r` is in the analysed file itself (not a module it imports). */
  inEntry(r: TextRange): boolean;
  /** `line N` of a program offset within its own file, as shown. */
  lineName(offset: number): string;
  /** The line of a program offset, only to compare with lines of places near it (never shown). */
  lineKey(offset: number): number;
  /** `line N` of a program offset, naming its module when it is not in the same file as `from`. */
  lineLabel(offset: number, from: number): string;
}

export interface ModelLayer {
  // Names and classes
  isKnownClass(path: string): boolean;
  familyOf(bases: Value[]): ModelFamily | null;
  noteClass(cls: ClassValue): void;
  // Assignments (hover facts, attribute children, container entries)
  noteTensor(range: TextRange, name: string, value: Value, use?: boolean): void;
  noteAssignment(name: string, range: TextRange, value: Value): void;
  setAttribute(obj: Value, name: string, value: Value): void;
  setContainerEntry(obj: ObjectValue, key: string, item: Value): void;
  // Calls
  instantiate(cls: ClassValue, args: EvaluatedArgs, site: CallSite): Value;
  callQualified(path: string, args: EvaluatedArgs, site: CallSite): Value;
  callModel(callee: ObjectValue | LayerValue, args: EvaluatedArgs, site: CallSite): Value;
  callMethod(m: Extract<Value, { t: 'method' }>, args: EvaluatedArgs, site: CallSite): Value;
  // Tensors and containers as values
  shapeTuple(t: TensorVal): Value;
  indexTensor(t: TensorVal, parts: Expr[], scope: Scope, range: TextRange): Value;
  tensorBinary(op: string, a: Value, b: Value, range: TextRange): Value;
  /** `obj[key]` at `range` (a dataset whose sample raises reports it there). */
  indexContainer(obj: ObjectValue, key: Value, range: TextRange): Value;
  // Data objects of input sources (datasets, loaders, parsers; `data-objects.ts`)
  /** One item of iterating `v` when its length is unknown but its items are (a loader's batch), else null. */
  iterationItem(v: Value, range: TextRange): Value | null;
  /** `enumerate`/`iter`/`next`/`len`/`vars` of a data object, else undefined. */
  dataBuiltin(name: string, args: Value[], range: TextRange): Value | undefined;
  /** The default a decorator (`@click.option`) gives a parameter the call leaves out, else undefined. */
  decoratorDefault(decorators: Value[], name: string): Value | undefined;
  /** Emits a diagnostic found by the interpreter itself (a library stub's raise). */
  report(d: Diagnostic): void;
  /** Grows with every model value made and diagnostic reported (a shared module's body must leave it unchanged). */
  madeCount(): number;
  // End of the module
  /** `mark` is called between its phases (instantiating unused classes, probing the body's models, the rest). */
  finish(mark?: () => void): void;
  diagnostics(): Diagnostic[];
  summaries(): ModelSummary[];
}
