/**
 * Model runs. A *run* is one top-level call of a model on a tensor (`model(x)`, `net.summary(x)`,
 * a Keras model built from `input_shape=`), or a *probe* of a model nobody calls, with an input
 * whose rank and dims are unknown. Each run records the layer applications that become the
 * model's summary, hovers and inlay hints.
 */
import { saneShape } from '../../shapes';
import type { LayerDef, LayerEnv, LayerOutcome, TensorLib, ArgValue, BoundArgs } from '../../layers/types';
import { isTensor, UNKNOWN } from '../../layers/types';
import type { Diagnostic, Dim, Framework, LayerApplication, PlainArg, Shape, TextRange } from '../../types';
import { bindArgs, layerCallInputs, toArgValue, type Bound, type EvaluatedArgs } from '../bind';
import { extendLineage, lineageIds, num, tensorVal, UNKNOWN_V, type FuncValue, type LayerValue, type Lineage, type ObjectValue, type TensorVal, type Value } from '../values';
import type { ModelContext } from './context';
import type { CallSite } from './interfaces';
import { checkLayout } from './layout';
import { defClassName, libOf, mergeHist, safely, showsShape, tensorsIn } from './support';
import { attachSymbol, evalSymbol } from './symbols';
import { defaultsOf } from './data-objects';
import { adjustedInputRank } from '../../layers/keras/index';
import { asLayerObject } from '../../layers/keras/rnn';

export interface AppRecord {
  app: LayerApplication;
  layerId: number;
  /** Input tensors' lineage, for explanations. */
  inputHist: Lineage | null;
  /** Per input tensor, the application that made it (null: the model's input; -1: a join of several). */
  inputIds: (number | null)[];
  /** The layer's `stubPath` (built in a library stub). */
  stubPath?: string[];
  /** The layer's `builtAt` (the user's call into the stub that built it). */
  builtAt?: TextRange;
}

export interface Run {
  model: ObjectValue | null;
  apps: number[];
  /** Layer objects applied in this run, to mark reuse (shared parameters count once). */
  layersSeen: Set<number>;
  state: Map<number, Record<string, Dim>>;
  /** Dry runs only count issues (layout re-runs): no diagnostics, no summaries. */
  dry: boolean;
  issues: number;
  diagnostics: Diagnostic[];
  kerasFormat?: 'channels_last' | 'channels_first';
  kerasFormatSource?: string;
  hybridized: boolean;
  input: TensorVal | null;
  /** Where the input is passed (the argument expression), for the transpose fix. */
  inputArgRange: TextRange | null;
  probe: boolean;
  /** The lineage and shape of what the model returned (for `shapelint port`: is it the last recorded layer's?). */
  output?: { hist: Lineage | null; shape: Shape | null } | null;
}

export class Runs {
  /** Layer applications by id, across runs (lineage refers to them). */
  readonly apps = new Map<number, AppRecord>();
  /** Outside any run: layer constructors and ops at module level report here. */
  readonly ambient: Run;
  private readonly stack: Run[] = [];
  /** Model id → the shapes of its last call (a backbone's block row shows them). */
  readonly lastCall = new Map<number, { input: Shape | null; output: Shape | null }>();

  constructor(private readonly ctx: ModelContext) {
    this.ambient = this.newRun(null, false);
  }

  newRun(model: ObjectValue | null, dry: boolean): Run {
    return {
      model,
      apps: [],
      layersSeen: new Set(),
      state: new Map(),
      dry,
      issues: 0,
      diagnostics: [],
      hybridized: false,
      input: null,
      inputArgRange: null,
      probe: false,
    };
  }

  currentRun(): Run {
    return this.stack[this.stack.length - 1] ?? this.ambient;
  }

  /** True outside any model run (a call from module level or a plain function). */
  outside(): boolean {
    return this.stack.length === 0;
  }

  /** Runs `f` with `run` as the current run. */
  within<T>(run: Run, f: () => T): T {
    this.stack.push(run);
    try {
      return f();
    } finally {
      this.stack.pop();
    }
  }

  // ------------------------------------------------------------ calls

  callModelFromOutside(obj: ObjectValue, args: EvaluatedArgs, inputRange: TextRange | null): Value {
    if (this.outside()) return this.topLevelRun(obj, args, inputRange, false);
    return this.runObject(obj, args);
  }

  /** Runs a model called from outside any model: a new run with its own summary. */
  topLevelRun(obj: ObjectValue, args: EvaluatedArgs, inputRange: TextRange | null, probe: boolean, dry = false, kerasFormat?: Run['kerasFormat']): Value {
    const run = this.newRun(obj, dry);
    run.probe = probe;
    run.kerasFormat = kerasFormat;
    run.hybridized = !!obj.hybridized;
    const first = args.positional[0];
    run.input = first && first.t === 'tensor' ? first : null;
    run.inputArgRange = inputRange;
    // A call on data of unknown shape (a loader's batch, an unmodelled load) shows no input:
    // the model still gets its declared-input or probe run at the end, and so its summary.
    if (!dry && !probe && showsShape(run.input)) obj.ran = true;
    const out = this.within(run, () => this.runObject(obj, args));
    if (this.ctx.host.options.recordOps) run.output = out.t === 'tensor' ? { hist: out.hist, shape: out.shape } : null;
    if (!dry) this.finishRun(run, obj);
    return out;
  }

  runObject(obj: ObjectValue, args: EvaluatedArgs): Value {
    const out = this.runObjectBody(obj, args);
    const input = args.positional[0];
    if (!this.currentRun().dry) this.lastCall.set(obj.id, { input: input?.t === 'tensor' ? input.shape : null, output: out.t === 'tensor' ? out.shape : null });
    return out;
  }

  private runObjectBody(obj: ObjectValue, args: EvaluatedArgs): Value {
    if (obj.symbol) return evalSymbol(this.ctx, obj, args.positional[0] ?? UNKNOWN_V);
    if (obj.container && obj.container !== 'torch.ModuleList' && obj.container !== 'torch.ModuleDict' && obj.container !== 'keras.Functional') {
      if (obj.cls) {
        const fwd = this.forwardMethod(obj);
        if (fwd) return this.callForward(obj, fwd, args);
      }
      let x: Value = args.positional[0] ?? UNKNOWN_V;
      // Keras (tf.keras 2.4+ and 3) squeezes or expands one trailing axis of size 1 to the declared input's rank.
      const adjusted = obj.kerasInput && x.t === 'tensor' && x.shape ? adjustedInputRank(obj.kerasInput.shape, x.shape, this.ctx.host.options.kerasProbe) : null;
      if (adjusted && x.t === 'tensor') x = { ...x, shape: adjusted };
      for (const item of obj.items) x = this.applyItem(item, x);
      return x;
    }
    if (obj.container === 'keras.Functional') {
      // Applied as a layer of an enclosing model (a Sequential's base): its layers are that run's too.
      if (obj.functional && this.stack.length > 0) this.includeGraph(obj.functional.outputs);
      return obj.functional?.outputs ?? UNKNOWN_V;
    }
    const fwd = this.forwardMethod(obj);
    if (!fwd) return UNKNOWN_V;
    return this.callForward(obj, fwd, args);
  }

  /** Adds the layer applications a functional model's outputs came from to the current run, in order. */
  private includeGraph(outputs: Value): void {
    const run = this.currentRun();
    const present = new Set(run.apps);
    const ids = new Set<number>();
    for (const o of tensorsIn(outputs)) for (const id of lineageIds(o.hist)) if (!present.has(id) && this.apps.has(id)) ids.add(id);
    run.apps.push(...[...ids].sort((a, b) => a - b));
    for (const id of ids) run.layersSeen.add(this.apps.get(id)!.layerId);
  }

  private callForward(obj: ObjectValue, fwd: { fn: FuncValue; withF: boolean }, args: EvaluatedArgs): Value {
    const positional = fwd.withF ? [{ t: 'module', path: obj.hybridized ? 'mxnet.symbol' : 'mxnet.ndarray' } as Value, ...args.positional] : args.positional;
    return this.ctx.host.callFunction({ ...fwd.fn, self: obj }, { ...args, positional });
  }

  forwardMethod(obj: ObjectValue): { fn: FuncValue; withF: boolean } | null {
    if (!obj.cls) return null;
    const order = obj.framework === 'keras' ? ['call'] : obj.framework === 'gluon' ? ['hybrid_forward', 'forward'] : ['forward'];
    for (const name of order) {
      const found = this.ctx.host.findClassAttr(obj.cls, name);
      if (found && found.value.t === 'func') return { fn: { ...found.value, owner: found.owner }, withF: name === 'hybrid_forward' };
    }
    return null;
  }

  private applyItem(item: Value, x: Value): Value {
    const args: EvaluatedArgs = { positional: [x], keywords: new Map(), opaque: false };
    if (item.t === 'layer') return this.applyLayer(item, args, null);
    if (item.t === 'object') return this.runObject(item, args);
    return x.t === 'tensor' ? tensorVal(null, x.lib, x.hist, x.origin) : UNKNOWN_V;
  }

  // ------------------------------------------------------------ layer application

  /** What a layer def may know of its call: the run's Keras layout and hybridization, the layer's display name. */
  env(layerName: string, run: Run): LayerEnv {
    const options = this.ctx.host.options;
    const fmt = run.kerasFormat ?? options.kerasDataFormat ?? 'channels_last';
    const src =
      run.kerasFormatSource ??
      (run.kerasFormat ? 'shapelint layout check' : options.kerasDataFormatSource ?? (options.kerasDataFormat ? 'configuration' : 'Keras default'));
    return {
      kerasDataFormat: fmt,
      kerasDataFormatSource: src,
      kerasBackend: options.kerasBackend,
      kerasVersion: options.kerasProbe,
      layerName,
      hybridized: run.hybridized,
    };
  }

  applyLayer(layer: LayerValue, args: EvaluatedArgs, site: TextRange | null): Value {
    this.ctx.host.tick();
    const run = this.currentRun();
    const inputs = args.positional;
    const inputTensors = inputs.flatMap(tensorsIn);
    const state = run.state.get(layer.id);
    const name = this.ctx.layers.nameOf(layer);
    const outcome = safely<LayerOutcome>(
      () => layer.def.apply(layer.args, layerCallInputs(layer.def.callParams, args), this.env(name, run), state),
      { output: UNKNOWN },
    );
    if (outcome.state) run.state.set(layer.id, outcome.state);
    this.ctx.layers.noteApplied(layer);
    const inputHist = mergeHist(inputTensors);
    const reused = run.layersSeen.has(layer.id);
    run.layersSeen.add(layer.id);
    const appId = this.ctx.nextId();
    const lib = inputTensors[0]?.lib ?? libOf(layer.def.framework);
    const origin = inputTensors[0]?.origin ?? null;
    const outHist = extendLineage(inputHist, appId);
    const output = fromArg(outcome.output, outHist, origin, lib);
    const firstOut = tensorsIn(output)[0];
    // A tied parameter is counted once by the framework: which layer holds it is not ours to guess.
    const tied = this.ctx.layers.parametersReplaced(layer);
    const app: LayerApplication = {
      name,
      type: defClassName(layer.def),
      framework: layer.def.framework,
      definedAt: layer.range,
      appliedAt: site ?? layer.range,
      inputShapes: inputTensors.map((t) => t.shape),
      outputShape: firstOut?.shape ?? null,
      axisNames: outcome.axisNames ?? null,
      layout: outcome.layout ?? null,
      layoutSource: outcome.layoutSource ?? null,
      params: tied ? null : outcome.params === undefined ? 0 : outcome.params,
      trainableParams: tied ? null : outcome.trainableParams === undefined ? (outcome.params === undefined ? 0 : outcome.params) : outcome.trainableParams,
      trace: outcome.trace ?? [],
      reused,
    };
    // Only `shapelint port` reads a layer's arguments (it analyses with `recordOps`).
    if (this.ctx.host.options.recordOps) app.args = plainArgs(layer.def, layer.args);
    this.apps.set(appId, { app, layerId: layer.id, inputHist, inputIds: inputTensors.map((t) => t.hist?.id ?? null), stubPath: layer.stubPath, builtAt: layer.builtAt });
    run.apps.push(appId);
    if (outcome.issue) {
      this.ctx.diagnostics.report(run, outcome.issue, layer, site ?? layer.range, inputHist, layer.def.framework, inputTensors);
      // Stop the cascade: after an error nothing downstream is known.
      return firstOut ? tensorVal(null, lib, outHist, origin) : UNKNOWN_V;
    }
    return output;
  }

  applyOp(def: LayerDef, args: EvaluatedArgs, site: CallSite, receiver: TensorVal | null): Value {
    this.ctx.host.tick();
    const bound = bindArgs(def.params, args);
    const inputs = args.positional;
    const inputTensors = [...(receiver ? [receiver] : []), ...inputs.slice(receiver ? 1 : 0).flatMap(tensorsIn), ...[...args.keywords.values()].flatMap(tensorsIn)];
    const opName = defClassName(def);
    const outcome = safely<LayerOutcome>(() => def.apply(bound, inputs.map(toArgValue), this.env(opName, this.currentRun()), undefined), { output: UNKNOWN });
    const hist = mergeHist(inputTensors);
    const factory = inputTensors.length === 0;
    const origin = factory ? site.r : inputTensors[0]?.origin ?? null;
    if (outcome.issue) {
      this.ctx.diagnostics.report(this.currentRun(), outcome.issue, null, site.r, hist, def.framework, inputTensors);
      const lib = inputTensors[0]?.lib ?? libOf(def.framework);
      return tensorsIn(fromArg(outcome.output, hist, origin, lib)).length ? tensorVal(null, lib, hist, origin) : UNKNOWN_V;
    }
    const lib = inputTensors[0]?.lib ?? libOf(def.framework);
    const recorded = this.ctx.host.options.recordOps && !this.outside() && !factory && tensorsIn(fromArg(outcome.output, hist, origin, lib)).length > 0 ? this.recordOp(def, bound, site, inputTensors, hist, outcome.output) : null;
    const result = carryDefaults(fromArg(outcome.output, recorded ?? hist, origin, lib), [...args.positional, ...args.keywords.values()]);
    return attachSymbol(this.ctx, def, args, site, inputTensors, result);
  }

  /** Lists an op in the run's layers (only for `recordOps`), so a port sees `F.relu(x)` and `x.view(...)` too. */
  private recordOp(def: LayerDef, bound: Bound, site: CallSite, inputs: TensorVal[], hist: Lineage | null, output: ArgValue): Lineage {
    // The name as called (`sigmoid` in `torch.sigmoid(x)`): one def may serve several functions.
    const name = site.func.k === 'attr' ? site.func.name : site.func.k === 'name' ? site.func.id : (def.names[0].split('.').pop() ?? '');
    const outputShape = isTensor(output) ? saneShape(output.shape) : null;
    return this.recordApp(name, def.names[0], def.framework, site.r, inputs, hist, outputShape, plainArgs(def, bound));
  }

  /**
   * Lists an elementwise operator (`x + y`, `x * 0.5`) in the run's layers as op `name`
   * (`add`, `mul`...) of `lib`, so a port sees a residual sum instead of dropping it; null when
   * ops are not recorded (only `shapelint port` records them).
   */
  recordOperator(name: string, lib: TensorLib, range: TextRange, inputs: TensorVal[], outputShape: Shape | null, args: Record<string, PlainArg> = {}): Lineage | null {
    if (!this.ctx.host.options.recordOps || this.outside()) return null;
    const framework = lib === 'mxnet' ? 'gluon' : lib === 'torch' ? 'torch' : null;
    if (!framework) return null;
    return this.recordApp(name, `${lib}.operator.${name}`, framework, range, inputs, mergeHist(inputs), outputShape, args);
  }

  private recordApp(name: string, type: string, framework: Framework, range: TextRange, inputs: TensorVal[], hist: Lineage | null, outputShape: Shape | null, args: Record<string, PlainArg>): Lineage {
    const run = this.currentRun();
    const appId = this.ctx.nextId();
    const app: LayerApplication = {
      name, type, framework, definedAt: range, appliedAt: range,
      inputShapes: inputs.map((t) => t.shape), outputShape, axisNames: null, layout: null, layoutSource: null,
      params: 0, trainableParams: 0, trace: [], reused: false, args,
    };
    // An op inside a library stub's forward is shown, like the stub's layers, at the user's call.
    const user = this.ctx.host.userSite(range);
    this.apps.set(appId, { app, layerId: -appId, inputHist: hist, inputIds: inputs.map((t) => t.hist?.id ?? null), ...(user && user !== range ? { builtAt: user } : {}) });
    run.apps.push(appId);
    return extendLineage(hist, appId);
  }

  private finishRun(run: Run, obj: ObjectValue): void {
    if (run.diagnostics.length > 0) checkLayout(this.ctx, run, obj);
    for (const d of run.diagnostics) this.ctx.diagnostics.emit(d);
    if (run.input) this.ctx.summaries.push(run, obj, [run.input]);
  }
}

/** An op's tensor result depends on the script defaults its operands and arguments came from (`torch.randn(args.batch_size, …)`). */
function carryDefaults(result: Value, from: Value[]): Value {
  if (result.t !== 'tensor') return result;
  const defaults = defaultsOf(...from);
  return defaults.length ? { ...result, defaults } : result;
}

/** A layer's bound arguments as plain values (for `shapelint port`); unknowns, tensors and dicts are left out. */
function plainArgs(def: LayerDef, args: BoundArgs): Record<string, PlainArg> {
  const out: Record<string, PlainArg> = {};
  for (const p of def.params ?? []) {
    const arg = args.get(p.name);
    const v = plain(arg);
    if (v !== undefined) out[p.name] = v;
    // A wrapped layer (Keras Bidirectional's `layer`): its class, and its arguments as `layer.units`.
    const wrapped = asLayerObject(arg);
    if (wrapped) {
      out[p.name] = wrapped.def.names[0].split('.').pop() ?? '';
      for (const [k, x] of Object.entries(plainArgs(wrapped.def, wrapped.args))) out[`${p.name}.${k}`] = x;
    }
  }
  return out;
}

function plain(v: ArgValue | undefined): PlainArg | undefined {
  if (v === undefined || v === UNKNOWN || isTensor(v)) return undefined;
  if (Array.isArray(v)) {
    const items = v.map(plain);
    return items.every((x) => x !== undefined) ? (items as PlainArg[]) : undefined;
  }
  return typeof v === 'object' && v !== null ? undefined : v;
}

/** Converts a def's ArgValue result back into interpreter values, attaching lineage. */
function fromArg(v: ArgValue, hist: Lineage | null, origin: TextRange | null, lib: TensorLib): Value {
  if (v === UNKNOWN) return UNKNOWN_V;
  if (v === null) return { t: 'none' };
  if (typeof v === 'number') return Number.isFinite(v) ? num(v, !Number.isInteger(v)) : UNKNOWN_V;
  if (typeof v === 'string') return { t: 'str', v };
  if (typeof v === 'boolean') return { t: 'bool', v };
  if (Array.isArray(v)) return { t: 'tuple', items: v.map((x) => fromArg(x, hist, origin, lib)) };
  if (isTensor(v)) return tensorVal(saneShape(v.shape), v.lib === 'unknown' ? lib : v.lib, hist, origin);
  return UNKNOWN_V;
}
