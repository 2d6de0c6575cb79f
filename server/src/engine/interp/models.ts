/**
 * Model semantics on top of the Python interpreter: containers (Sequential, ModuleList,
 * HybridSequential…), user model classes, layer objects, model runs and the diagnostics
 * they produce.
 *
 * `ModelEngine` is the model layer's face towards the interpreter (`ModelLayer`); each concern
 * lives in its own module under `models/`:
 *  - `runs.ts`: model runs, layer and op application;
 *  - `containers.ts`: model objects, containers, attributes and children;
 *  - `layer-objects.ts`: layer construction and names;
 *  - `symbols.ts`: the MXNet symbol API (recording and binding symbols);
 *  - `layout.ts`: the layout re-run that turns errors into `layout-mismatch`;
 *  - `diagnostics.ts`: issues to diagnostics (history lines, related places, fixes);
 *  - `summaries.ts`: per-model summaries;
 *  - `tensors.ts`, `methods.ts`: tensor values and method calls;
 *  - `input-sources.ts`: the registry of input sources (every way the code shows an input shape);
 *  - `sinks.ts`: the registry of target sinks (where a model's output meets a target).
 */
import { findLayer } from '../layers/index';
import { constructRnnCell, isRnnCellClass } from './models/mx-rnn-cells';
import { openShape } from '../shapes';
import type { Expr } from '../syntax/ast';
import type { Diagnostic, ModelSummary, TextRange } from '../types';
import type { EvaluatedArgs } from './bind';
import type { Scope } from './scope';
import { str, tensorVal, UNKNOWN_V, type ClassValue, type LayerValue, type ModelFamily, type ObjectValue, type TensorVal, type Value } from './values';
import { Containers } from './models/containers';
import { dataBuiltin, dataCall, dataIndex, readItem } from './models/data-objects';
import { decoratorDefault } from './models/script-defaults';
import type { ModelContext } from './models/context';
import { Diagnostics } from './models/diagnostics';
import { factoryDtype, withDtype } from './models/dtypes';
import type { CallSite, InterpreterHost, ModelLayer } from './models/interfaces';
import { declaredInput, inputFromCall, inputFromModelCall, isInputSourceCall } from './models/input-sources';
import { LayerObjects } from './models/layer-objects';
import { kerasFunctionalCall } from './models/keras-data';
import { callMethod } from './models/methods';
import { Runs } from './models/runs';
import { checkSinkCall, checkSinkLayerCall, isSinkCall } from './models/sinks';
import { Summaries } from './models/summaries';
import { libOf } from './models/support';
import { indexTensor, prod, shapeTuple, tensorBinary } from './models/tensors';

const OTHER_KNOWN = new Set(['keras.Model', 'collections.OrderedDict']);

/** The state the model layer's modules share; each part only keeps `this` for later calls. */
class SharedContext implements ModelContext {
  private idCounter = 1;
  readonly lines: { lineName(offset: number): string; lineKey(offset: number): number };
  readonly runs: Runs;
  readonly containers: Containers;
  readonly layers: LayerObjects;
  readonly diagnostics: Diagnostics;
  readonly summaries: Summaries;

  constructor(
    readonly host: InterpreterHost,
    layerNames?: Map<string, number>,
  ) {
    this.lines = { lineName: (offset) => host.lineName(offset), lineKey: (offset) => host.lineKey(offset) };
    this.runs = new Runs(this);
    this.containers = new Containers(this);
    this.layers = new LayerObjects(this, layerNames);
    this.diagnostics = new Diagnostics(this);
    this.summaries = new Summaries(this);
  }

  nextId(): number {
    return this.idCounter++;
  }

  /** How many ids were handed out (a module body that made none made no model value). */
  get idsMade(): number {
    return this.idCounter;
  }
}

export class ModelEngine implements ModelLayer {
  private readonly ctx: SharedContext;
  private reported = 0;

  constructor(host: InterpreterHost, layerNames?: Map<string, number>) {
    this.ctx = new SharedContext(host, layerNames);
  }

  // ------------------------------------------------------------ bookkeeping hooks

  isKnownClass(path: string): boolean {
    return this.ctx.containers.isContainerOrBase(path) || OTHER_KNOWN.has(path) || isInputSourceCall(path) || isSinkCall(path);
  }

  familyOf(bases: Value[]): ModelFamily | null {
    return this.ctx.containers.familyOf(bases);
  }

  noteClass(cls: ClassValue): void {
    this.ctx.containers.noteClass(cls);
  }

  /** Tensor facts for hovers, except from dry runs (layout re-runs with a moved axis). */
  noteTensor(range: TextRange, name: string, value: Value, use = false): void {
    if (value.t !== 'tensor' || !value.shape || this.ctx.runs.currentRun().dry) return;
    const fact = use ? { range, name, shape: value.shape, use } : { range, name, shape: value.shape };
    this.ctx.host.tensors.push(value.dtype ? { ...fact, dtype: value.dtype } : fact);
  }

  noteAssignment(name: string, range: TextRange, value: Value): void {
    this.noteTensor(range, name, value);
    if (value.t === 'object' && !value.varName) value.varName = name;
  }

  setAttribute(obj: Value, name: string, value: Value): void {
    this.ctx.containers.setAttribute(obj, name, value);
  }

  setContainerEntry(obj: ObjectValue, key: string, item: Value): void {
    this.ctx.containers.setContainerEntry(obj, key, item);
  }

  // ------------------------------------------------------------ calls

  instantiate(cls: ClassValue, args: EvaluatedArgs, site: CallSite): Value {
    return this.ctx.containers.instantiate(cls, args, site);
  }

  callQualified(path: string, args: EvaluatedArgs, site: CallSite): Value {
    const ctx = this.ctx;
    if (path === 'numpy.prod' || path === 'numpy.product') return prod(args.positional[0]);
    const container = ctx.containers.construct(path, args, site);
    if (container) return container;
    if (path === 'keras.Model') return ctx.containers.kerasFunctional(args, site);
    if (path === 'keras.config.image_data_format' || path === 'keras.backend.image_data_format') {
      // Keras' own default when no keras.json says otherwise, as the layers read it.
      return str(ctx.host.options.kerasDataFormat ?? 'channels_last');
    }
    if (path === 'collections.OrderedDict') return ctx.containers.orderedDict(args);
    if (path === 'torch.nn.Parameter') return ctx.containers.parameter(args);
    const learned = inputFromCall(ctx, path, args, site);
    checkSinkCall(ctx, path, args, site);
    if (learned !== undefined) return learned;
    if (isRnnCellClass(path)) return constructRnnCell(ctx, path, args, site);
    const def = findLayer(path);
    if (!def) return UNKNOWN_V;
    if (def.kind === 'layer') return ctx.layers.construct(def, path, args, site);
    return withDtype(ctx.runs.applyOp(def, args, site, null), factoryDtype(path, args));
  }

  callModel(callee: ObjectValue | LayerValue, args: EvaluatedArgs, site: CallSite): Value {
    if (callee.t === 'layer') {
      checkSinkLayerCall(this.ctx, callee, args, site);
      return this.ctx.runs.applyLayer(callee, args, site.r);
    }
    return dataCall(this.ctx, callee, args, site.r) ?? kerasFunctionalCall(this.ctx, callee, args, site) ?? inputFromModelCall(this.ctx, callee, args, site);
  }

  callMethod(m: Extract<Value, { t: 'method' }>, args: EvaluatedArgs, site: CallSite): Value {
    return callMethod(this.ctx, m, args, site);
  }

  // ------------------------------------------------------------ tensors and containers as values

  shapeTuple(t: TensorVal): Value {
    return shapeTuple(this.ctx, t);
  }

  indexTensor(t: TensorVal, parts: Expr[], scope: Scope, range: TextRange): Value {
    return indexTensor(this.ctx, t, parts, scope, range);
  }

  tensorBinary(op: string, a: Value, b: Value, range: TextRange): Value {
    return tensorBinary(this.ctx, op, a, b, range);
  }

  indexContainer(obj: ObjectValue, key: Value, range: TextRange): Value {
    return dataIndex(this.ctx, obj, range) ?? this.ctx.containers.indexContainer(obj, key);
  }

  iterationItem(v: Value, range: TextRange): Value | null {
    return readItem(this.ctx, v, range);
  }

  dataBuiltin(name: string, args: Value[], range: TextRange): Value | undefined {
    return dataBuiltin(this.ctx, name, args, range);
  }

  decoratorDefault(decorators: Value[], name: string): Value | undefined {
    return decoratorDefault(decorators, name);
  }

  // ------------------------------------------------------------ end of the module

  /** After the module ran: build Keras models from input_shape, probe models nobody called. */
  finish(mark: () => void = () => undefined): void {
    const ctx = this.ctx;
    const made = ctx.containers.objectCount();
    ctx.containers.instantiateUnused();
    mark();
    const all = ctx.containers.objectCount();
    // The body's models first, then the unused classes' instances (the incremental cache orders results by these phases).
    for (const obj of ctx.containers.unrunModels(0, made)) this.probe(obj);
    mark();
    for (const obj of ctx.containers.unrunModels(made, all)) this.probe(obj);
  }

  /** Runs a model nobody called on its declared input, or (not Keras) on an input of unknown shape. */
  private probe(obj: ObjectValue): void {
    const ctx = this.ctx;
    // Models of imported modules are checked by those modules' own analyses.
    if (!ctx.host.inEntry(obj.range)) return;
    const input = declaredInput(ctx, obj);
    if (input) {
      ctx.runs.topLevelRun(obj, { positional: [input], keywords: new Map(), opaque: false }, null, false);
      return;
    }
    if (obj.framework === 'keras') return;
    const probe = tensorVal(openShape([]), libOf(obj.framework!), null, null);
    ctx.runs.topLevelRun(obj, { positional: [probe], keywords: new Map(), opaque: false }, null, true);
  }

  report(d: Diagnostic): void {
    // A library's raise met while re-running a model dry (another layout) is one of that run's issues, never a diagnostic.
    const run = this.ctx.runs.currentRun();
    if (run.dry) {
      run.issues++;
      return;
    }
    this.reported++;
    this.ctx.diagnostics.emit(d);
  }

  madeCount(): number {
    return this.ctx.idsMade + this.reported;
  }

  diagnostics(): Diagnostic[] {
    return this.ctx.diagnostics.all();
  }

  summaries(): ModelSummary[] {
    return this.ctx.summaries.all();
  }
}
