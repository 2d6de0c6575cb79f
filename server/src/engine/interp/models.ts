/**
 * Model semantics on top of the Python interpreter: containers (Sequential, ModuleList,
 * HybridSequential…), user model classes, layer objects, model runs and the diagnostics
 * they produce.
 *
 * A *run* is one top-level call of a model on a tensor (`model(x)`, `net.summary(x)`,
 * a Keras model built from `input_shape=`), or a *probe* of a model nobody calls, with an
 * input whose rank and dims are unknown. Each run records the layer applications that
 * become the model's summary, hovers and inlay hints.
 */
import { findLayer } from '../layers/index';
import { isTensor, UNKNOWN, type ArgValue, type LayerDef, type LayerEnv, type LayerIssue, type LayerOutcome, type TensorLib } from '../layers/types';
import { LineIndex } from '../positions';
import { ruleByName } from '../rules/index';
import { formatShape, openShape, ranked } from '../shapes';
import type { Arg, Expr } from '../syntax/ast';
import type { Diagnostic, Dim, Framework, TextEdit, LayerApplication, ModelSummary, Shape, TextRange } from '../types';
import { bindArgs, toArgValue, type EvaluatedArgs } from './bind';
import { argEdit } from './fixes';
import type { Interpreter } from './interpreter';
import { frameworkOf } from './names';
import type { Scope } from './scope';
import { num, tensorVal, UNKNOWN_V, type ClassValue, type FuncValue, type LayerValue, type ModelFamily, type ObjectValue, type Lineage, type SymNode, type TensorVal, type Value, extendLineage, joinLineage, lineageIds } from './values';
import { parseInputDirective, parseJaxtyping } from './input-sources';

type CallSite = Extract<Expr, { k: 'call' }>;

const CONTAINERS: Record<string, ObjectValue['container']> = {
  'torch.nn.Sequential': 'torch.Sequential',
  'torch.nn.ModuleList': 'torch.ModuleList',
  'torch.nn.ModuleDict': 'torch.ModuleDict',
  'keras.Sequential': 'keras.Sequential',
  'mxnet.gluon.nn.Sequential': 'gluon.Sequential',
  'mxnet.gluon.nn.HybridSequential': 'gluon.HybridSequential',
};

const BASE_FAMILIES: Record<string, ModelFamily> = {
  'torch.nn.Module': 'torch.Module',
  'keras.Model': 'keras.Model',
  'keras.layers.Layer': 'keras.Layer',
  'mxnet.gluon.Block': 'gluon.Block',
  'mxnet.gluon.HybridBlock': 'gluon.HybridBlock',
};

const OTHER_KNOWN = new Set([
  'keras.Model',
  'collections.OrderedDict',
  'torchsummary.summary',
  'torchinfo.summary',
  'mxnet.visualization.print_summary',
  'mxnet.module.Module',
  'mxnet.io.NDArrayIter',
]);

/** Methods that return their receiver (chainable) and change nothing we model. */
const CHAINABLE = new Set(['to', 'cuda', 'cpu', 'eval', 'train', 'double', 'float', 'half', 'requires_grad_', 'share_memory']);

interface AppRecord {
  app: LayerApplication;
  layerId: number;
  /** Input tensors' lineage, for explanations. */
  inputHist: Lineage | null;
}

interface Run {
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
}

export class ModelEngine {
  private nextId = 1;
  private readonly apps = new Map<number, AppRecord>();
  private readonly runs: Run[] = [];
  private readonly ambient: Run;
  private readonly objects: ObjectValue[] = [];
  private readonly classes: ClassValue[] = [];
  private readonly childIds = new Set<number>();
  private readonly instantiated = new Set<ClassValue>();
  private readonly layerNames = new Map<number, string>();
  /** Layer objects by id, for fixes that edit every layer of a run. */
  private readonly layerObjects = new Map<number, LayerValue>();
  private readonly nameCounters = new Map<string, number>();
  private readonly diags: Diagnostic[] = [];
  private readonly diagKeys = new Set<string>();
  private readonly summariesOut: ModelSummary[] = [];
  private readonly summarized = new Set<number>();
  private readonly lines: LineIndex;
  private readonly directives: Map<number, Shape>;

  constructor(private readonly interp: Interpreter) {
    this.ambient = this.newRun(null, false);
    this.lines = new LineIndex(interp.text);
    this.directives = new Map();
    for (const c of interp.module.comments) {
      const shape = parseInputDirective(c.text);
      if (shape) this.directives.set(this.lines.lineOf(c.range.start), shape);
    }
  }

  // ------------------------------------------------------------ bookkeeping hooks

  isKnownClass(path: string): boolean {
    return path in CONTAINERS || path in BASE_FAMILIES || OTHER_KNOWN.has(path);
  }

  familyOf(bases: Value[]): ModelFamily | null {
    for (const b of bases) {
      if (b.t === 'ext' && BASE_FAMILIES[b.path]) return BASE_FAMILIES[b.path];
      if (b.t === 'ext' && CONTAINERS[b.path]) return containerFamily(CONTAINERS[b.path]!);
      if (b.t === 'class' && b.family) return b.family;
    }
    return null;
  }

  noteClass(cls: ClassValue): void {
    if (cls.family) this.classes.push(cls);
  }

  /** Tensor facts for hovers, except from dry runs (layout re-runs with a moved axis). */
  noteTensor(range: TextRange, name: string, value: Value, use = false): void {
    if (value.t !== 'tensor' || !value.shape || this.currentRun().dry) return;
    this.interp.tensors.push(use ? { range, name, shape: value.shape, use } : { range, name, shape: value.shape });
  }

  noteAssignment(name: string, range: TextRange, value: Value): void {
    this.noteTensor(range, name, value);
    if (value.t === 'object' && !value.varName) value.varName = name;
  }


  setAttribute(obj: Value, name: string, value: Value): void {
    if (obj.t !== 'object') return;
    const prev = obj.attrs.get(name);
    // In a branch that may not run, a conflicting assignment makes the attribute unknown.
    if (this.interp.uncertainDepth > 0 && prev && prev !== value) {
      obj.attrs.set(name, UNKNOWN_V);
      return;
    }
    if (!obj.attrs.has(name)) obj.attrOrder.push(name);
    obj.attrs.set(name, value);
    this.adoptChild(value, name);
  }

  private adoptChild(value: Value, name: string): void {
    if (value.t === 'layer') {
      // Keras and Gluon name layers themselves (conv2d_1, conv0); PyTorch names them by attribute.
      if (value.def.framework === 'torch') this.layerNames.set(value.id, name);
      this.childIds.add(value.id);
    } else if (value.t === 'object') {
      this.childIds.add(value.id);
      if (!value.varName) value.varName = name;
    }
  }

  // ------------------------------------------------------------ construction

  instantiate(cls: ClassValue, args: EvaluatedArgs, site: CallSite): Value {
    this.instantiated.add(cls);
    const obj = this.newObject(cls, null, site.r, frameworkOfFamily(cls.family));
    const init = this.interp.findClassAttr(cls, '__init__');
    if (init && init.value.t === 'func') {
      this.interp.callFunction({ ...init.value, self: obj, owner: init.owner }, args);
    } else {
      // A subclass of a container (`class Net(nn.Sequential)` without __init__) takes its items.
      this.fillContainer(obj, args);
    }
    return obj;
  }

  private newObject(cls: ClassValue | null, container: ObjectValue['container'], range: TextRange, framework: Framework | null): ObjectValue {
    const obj: ObjectValue = {
      t: 'object',
      id: this.nextId++,
      cls,
      container,
      items: [],
      attrs: new Map(),
      attrOrder: [],
      framework,
      range,
      varName: null,
    };
    this.objects.push(obj);
    return obj;
  }

  callQualified(path: string, args: EvaluatedArgs, site: CallSite): Value {
    const container = CONTAINERS[path];
    if (container) {
      const obj = this.newObject(null, container, site.r, frameworkOfContainer(container));
      this.fillContainer(obj, args);
      return obj;
    }
    if (path === 'keras.Model') return this.kerasFunctional(args, site);
    if (path === 'collections.OrderedDict') return this.orderedDict(args);
    if (path === 'torchsummary.summary' || path === 'torchinfo.summary') return this.torchSummary(path, args, site);
    if (path === 'mxnet.module.Module') return this.symbolModule(args, site);
    if (path === 'mxnet.io.NDArrayIter') return this.ndarrayIter(args, site);
    if (path === 'mxnet.visualization.print_summary') return this.printSummary(args, site);
    const def = findLayer(path);
    if (!def) return UNKNOWN_V;
    if (def.kind === 'layer') return this.constructLayer(def, path, args, site);
    return this.applyOp(def, args, site, null);
  }

  private fillContainer(obj: ObjectValue, args: EvaluatedArgs): void {
    const first = args.positional[0];
    if (obj.container === 'keras.Sequential') {
      const layers = first ?? args.keywords.get('layers');
      const items = layers && (layers.t === 'list' || layers.t === 'tuple') ? layers.items : [];
      for (const it of items) this.addToContainer(obj, it);
      return;
    }
    if (obj.container === 'torch.ModuleList') {
      if (first && (first.t === 'list' || first.t === 'tuple')) for (const it of first.items) this.addToContainer(obj, it);
      return;
    }
    if (obj.container === 'torch.ModuleDict') {
      const entries = first?.t === 'dict' ? first.entries : first && (first.t === 'list' || first.t === 'tuple') ? pairsOf(first.items) : [];
      for (const [k, v] of entries) if (k.t === 'str') this.setContainerEntry(obj, k.v, v);
      return;
    }
    if (obj.container === 'torch.Sequential' && first?.t === 'dict') {
      for (const [k, v] of first.entries) this.addToContainer(obj, v, k.t === 'str' ? k.v : undefined);
      return;
    }
    if (obj.container === 'torch.Sequential') for (const it of args.positional) this.addToContainer(obj, it);
  }

  /** `ModuleDict` entries: registered children, reachable as `d["key"]` and `d.key`. */
  setContainerEntry(obj: ObjectValue, key: string, item: Value): void {
    if (!obj.attrs.has(key)) this.addToContainer(obj, item, key);
    this.setAttribute(obj, key, item);
  }

  private addToContainer(obj: ObjectValue, item: Value, name?: string): void {
    if (obj.container === 'keras.Sequential' && obj.items.length === 0 && this.kerasInputItem(obj, item)) return;
    const index = obj.items.length;
    obj.items.push(item);
    if (item.t === 'layer' && obj.framework === 'torch') this.layerNames.set(item.id, name ?? String(index));
    if (item.t === 'layer' || item.t === 'object') this.adoptChild(item, name ?? String(index));
    if (obj.container === 'keras.Sequential' && index === 0 && item.t === 'layer' && item.declaredInput) {
      obj.kerasInput = { shape: item.declaredInput, range: item.range };
    }
  }

  /** `Sequential([keras.Input((28, 28, 1)), ...])` or an InputLayer first: the model's input, not a layer. */
  private kerasInputItem(obj: ObjectValue, item: Value): boolean {
    if (item.t === 'tensor' && item.shape) {
      obj.kerasInput = { shape: item.shape, range: item.origin ?? obj.range };
      return true;
    }
    if (item.t === 'layer' && item.qname === 'keras.layers.InputLayer') {
      const out = safely(() => item.def.apply(item.args, [], this.env(item, this.ambient), undefined).output, UNKNOWN as ArgValue);
      if (isTensor(out) && out.shape) obj.kerasInput = { shape: out.shape, range: item.range };
      return true;
    }
    return false;
  }

  private orderedDict(args: EvaluatedArgs): Value {
    const first = args.positional[0];
    if (!first || (first.t !== 'list' && first.t !== 'tuple')) return { t: 'dict', entries: [] };
    const entries: [Value, Value][] = [];
    for (const pair of first.items) {
      if ((pair.t === 'tuple' || pair.t === 'list') && pair.items.length === 2) entries.push([pair.items[0], pair.items[1]]);
      else return UNKNOWN_V;
    }
    return { t: 'dict', entries };
  }

  private constructLayer(def: LayerDef, qname: string, args: EvaluatedArgs, site: CallSite): Value {
    const bound = bindArgs(def.params, args);
    const layer: LayerValue = {
      t: 'layer',
      id: this.nextId++,
      def,
      qname,
      args: bound,
      range: site.r,
      argsRange: site.argsRange,
      callArgs: site.args,
      name: this.displayName(def, qname, bound.raw.get('name')),
      declaredInput: def.framework === 'keras' ? declaredKerasInput(bound.raw, qname) : null,
    };
    if (def.construct) {
      const issue = safely(() => def.construct!(bound, this.env(layer, this.currentRun())), null);
      if (issue) this.report(this.currentRun(), issue, layer, site.r, null, def.framework);
    }
    return layer;
  }

  private displayName(def: LayerDef, qname: string, explicit: Value | undefined): string {
    if (explicit && explicit.t === 'str') return explicit.v;
    const cls = def.names[0].split('.').pop() ?? qname;
    if (def.framework === 'torch') return cls;
    const base = def.framework === 'gluon' ? gluonPrefix(cls) : snakeCase(cls);
    const n = this.nameCounters.get(base) ?? 0;
    this.nameCounters.set(base, n + 1);
    if (def.framework === 'gluon') return `${base}${n}`;
    return n === 0 ? base : `${base}_${n}`;
  }

  // ------------------------------------------------------------ calls

  callModel(callee: ObjectValue | LayerValue, args: EvaluatedArgs, site: CallSite): Value {
    const inputRange = site.args.find((a) => !a.name && !a.star)?.value.r ?? null;
    if (callee.t === 'layer') return this.applyLayer(callee, args, site.r);
    if (this.runs.length === 0) return this.topLevelRun(callee, args, inputRange, false);
    return this.runObject(callee, args);
  }

  /** Runs a model called from outside any model: a new run with its own summary. */
  private topLevelRun(obj: ObjectValue, args: EvaluatedArgs, inputRange: TextRange | null, probe: boolean, dry = false, kerasFormat?: Run['kerasFormat']): Value {
    const run = this.newRun(obj, dry);
    run.probe = probe;
    run.kerasFormat = kerasFormat;
    run.hybridized = !!obj.hybridized;
    const first = args.positional[0];
    run.input = first && first.t === 'tensor' ? first : null;
    run.inputArgRange = inputRange;
    if (!dry && !probe) obj.ran = true;
    this.runs.push(run);
    let out: Value;
    try {
      out = this.runObject(obj, args);
    } finally {
      this.runs.pop();
    }
    if (!dry) this.finishRun(run, obj);
    return out;
  }

  private runObject(obj: ObjectValue, args: EvaluatedArgs): Value {
    if (obj.symbol) return this.evalSymbol(obj, args.positional[0] ?? UNKNOWN_V);
    if (obj.container && obj.container !== 'torch.ModuleList' && obj.container !== 'torch.ModuleDict' && obj.container !== 'keras.Functional') {
      if (obj.cls) {
        const fwd = this.forwardMethod(obj);
        if (fwd) return this.callForward(obj, fwd, args);
      }
      let x: Value = args.positional[0] ?? UNKNOWN_V;
      for (const item of obj.items) x = this.applyItem(item, x);
      return x;
    }
    if (obj.container === 'keras.Functional') return obj.functional?.outputs ?? UNKNOWN_V;
    const fwd = this.forwardMethod(obj);
    if (!fwd) return UNKNOWN_V;
    return this.callForward(obj, fwd, args);
  }

  private callForward(obj: ObjectValue, fwd: { fn: FuncValue; withF: boolean }, args: EvaluatedArgs): Value {
    const positional = fwd.withF ? [{ t: 'module', path: obj.hybridized ? 'mxnet.symbol' : 'mxnet.ndarray' } as Value, ...args.positional] : args.positional;
    return this.interp.callFunction({ ...fwd.fn, self: obj }, { ...args, positional });
  }

  private forwardMethod(obj: ObjectValue): { fn: FuncValue; withF: boolean } | null {
    if (!obj.cls) return null;
    const order = obj.framework === 'keras' ? ['call'] : obj.framework === 'gluon' ? ['hybrid_forward', 'forward'] : ['forward'];
    for (const name of order) {
      const found = this.interp.findClassAttr(obj.cls, name);
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

  callMethod(m: Extract<Value, { t: 'method' }>, args: EvaluatedArgs, site: CallSite): Value {
    const self = m.self;
    if (self.t === 'object') return this.objectMethod(self, m.name, args, site);
    if (self.t === 'tensor') return this.tensorMethod(self, m.name, args, site);
    if (self.t === 'list') return this.listMethod(self, m.name, args);
    if (self.t === 'dict') {
      if (m.name === 'items') return { t: 'list', items: self.entries.map(([k, v]) => ({ t: 'tuple', items: [k, v] })) };
      if (m.name === 'keys') return { t: 'list', items: self.entries.map(([k]) => k) };
      if (m.name === 'values') return { t: 'list', items: self.entries.map(([, v]) => v) };
      if (m.name === 'get') return self.entries.find(([k]) => args.positional[0] && sameKey(k, args.positional[0]))?.[1] ?? args.positional[1] ?? UNKNOWN_V;
    }
    return UNKNOWN_V;
  }

  private objectMethod(obj: ObjectValue, name: string, args: EvaluatedArgs, site: CallSite): Value {
    const inputRange = site.args.find((a) => !a.name && !a.star)?.value.r ?? null;
    switch (name) {
      case 'add':
        if (obj.container === 'keras.Sequential' || obj.container?.startsWith('gluon.')) for (const it of args.positional) this.addToContainer(obj, it);
        return UNKNOWN_V;
      case 'append':
      case 'add_module':
      case 'register_child': {
        const item = name === 'add_module' ? args.positional[1] : args.positional[0];
        if (item) this.addToContainer(obj, item, name === 'add_module' && args.positional[0]?.t === 'str' ? args.positional[0].v : undefined);
        if (name === 'add_module' && args.positional[0]?.t === 'str' && item) this.setAttribute(obj, args.positional[0].v, item);
        return obj;
      }
      case 'extend': {
        const items = this.interp.iterate(args.positional[0] ?? UNKNOWN_V);
        for (const it of items ?? []) this.addToContainer(obj, it);
        return obj;
      }
      case 'build': {
        const shape = shapeFromValue(args.positional[0] ?? args.keywords.get('input_shape') ?? UNKNOWN_V, true);
        if (shape && obj.framework === 'keras') obj.kerasInput = { shape, range: site.r };
        return UNKNOWN_V;
      }
      case 'items':
      case 'keys':
      case 'values':
      case 'update': {
        if (obj.container !== 'torch.ModuleDict') return UNKNOWN_V;
        if (name === 'update') {
          const arg = args.positional[0];
          const entries = arg?.t === 'dict' ? arg.entries : arg && (arg.t === 'list' || arg.t === 'tuple') ? pairsOf(arg.items) : [];
          for (const [k, v] of entries) if (k.t === 'str') this.setContainerEntry(obj, k.v, v);
          return UNKNOWN_V;
        }
        const keys = obj.attrOrder.filter((k) => obj.attrs.has(k));
        const pick = (k: string): Value => (name === 'keys' ? { t: 'str', v: k } : name === 'values' ? obj.attrs.get(k)! : { t: 'tuple', items: [{ t: 'str', v: k }, obj.attrs.get(k)!] });
        return { t: 'list', items: keys.map(pick) };
      }
      case 'hybridize':
        obj.hybridized = true;
        return UNKNOWN_V;
      case 'bind':
      case 'fit':
        if (obj.symbol) this.bindSymbolModule(obj, name, args, site);
        return UNKNOWN_V;
      case 'summary':
        if (obj.framework === 'gluon' && args.positional[0]?.t === 'tensor') this.callModelFromOutside(obj, args, inputRange);
        return UNKNOWN_V;
      case 'forward':
      case 'call':
      case 'predict':
      case '__call__':
        return this.callModelFromOutside(obj, args, inputRange);
      default:
        if (CHAINABLE.has(name)) return obj;
        return UNKNOWN_V;
    }
  }

  private callModelFromOutside(obj: ObjectValue, args: EvaluatedArgs, inputRange: TextRange | null): Value {
    if (this.runs.length === 0) return this.topLevelRun(obj, args, inputRange, false);
    return this.runObject(obj, args);
  }

  private listMethod(list: { t: 'tuple' | 'list'; items: Value[] }, name: string, args: EvaluatedArgs): Value {
    if (name === 'append' && args.positional[0]) list.items.push(args.positional[0]);
    else if (name === 'extend') {
      const items = this.interp.iterate(args.positional[0] ?? UNKNOWN_V);
      if (items) list.items.push(...items);
      else list.items.push(UNKNOWN_V);
    } else if (name === 'insert' && args.positional[0]?.t === 'num' && args.positional[1]) {
      list.items.splice(args.positional[0].v, 0, args.positional[1]);
    } else if (name === 'pop') return list.items.pop() ?? UNKNOWN_V;
    return UNKNOWN_V;
  }

  private tensorMethod(t: TensorVal, name: string, args: EvaluatedArgs, site: CallSite): Value {
    if (t.sym && (name === 'infer_shape' || name === 'infer_shape_partial')) {
      this.bindSymbol(t, [...args.keywords].map(([k, v]) => ({ name: k, value: v })), site, null);
      return UNKNOWN_V;
    }
    const prefix = TENSOR_METHOD_PREFIX[t.lib];
    const def = prefix ? findLayer(`${prefix}.${name}`) : undefined;
    if (def) return this.applyOp(def, { ...args, positional: [t, ...args.positional] }, site, t);
    if (CHAINABLE.has(name) || name === 'contiguous' || name === 'detach' || name === 'clone' || name === 'copy' || name === 'astype' || name === 'as_in_context') {
      return t;
    }
    return UNKNOWN_V;
  }

  private torchSummary(path: string, args: EvaluatedArgs, site: CallSite): Value {
    const model = args.positional[0];
    if (!model || model.t !== 'object') return UNKNOWN_V;
    const sizeArg = args.positional[1] ?? args.keywords.get('input_size') ?? args.keywords.get('input_data');
    if (!sizeArg) return UNKNOWN_V;
    let shape: Shape | null;
    if (sizeArg.t === 'tensor') shape = sizeArg.shape;
    else {
      // torchsummary's input_size excludes the batch; torchinfo's includes it.
      shape = shapeFromValue(sizeArg, false);
      if (shape && path === 'torchsummary.summary') shape = ranked(['N', ...shape.dims]);
    }
    if (!shape) return UNKNOWN_V;
    const x = tensorVal(shape, 'torch', null, site.r);
    return this.topLevelRun(model, { positional: [x], keywords: new Map(), opaque: false }, null, false);
  }

  private kerasFunctional(args: EvaluatedArgs, site: CallSite): Value {
    const inputs = args.positional[0] ?? args.keywords.get('inputs');
    const outputs = args.positional[1] ?? args.keywords.get('outputs');
    if (!inputs || !outputs) {
      // `keras.Model()` with no graph: a subclassed-style model instance.
      return UNKNOWN_V;
    }
    const obj = this.newObject(null, 'keras.Functional', site.r, 'keras');
    obj.functional = { inputs, outputs };
    obj.ran = true;
    const outs = tensorsIn(outputs);
    const ids = new Set<number>();
    for (const o of outs) for (const h of lineageIds(o.hist)) ids.add(h);
    const ins = tensorsIn(inputs);
    const run = this.newRun(obj, false);
    run.apps = [...ids].sort((a, b) => a - b);
    run.input = ins[0] ?? null;
    this.pushSummary(run, obj, ins);
    return obj;
  }

  // ------------------------------------------------------------ layer application

  private currentRun(): Run {
    return this.runs[this.runs.length - 1] ?? this.ambient;
  }

  private env(layer: LayerValue, run: Run): LayerEnv {
    const fmt = run.kerasFormat ?? this.interp.options.kerasDataFormat ?? 'channels_last';
    const src =
      run.kerasFormatSource ??
      (run.kerasFormat ? 'shapelint layout check' : this.interp.options.kerasDataFormatSource ?? (this.interp.options.kerasDataFormat ? 'configuration' : 'Keras default'));
    return {
      kerasDataFormat: fmt,
      kerasDataFormatSource: src,
      kerasBackend: this.interp.options.kerasBackend,
      layerName: this.layerNames.get(layer.id) ?? layer.name,
      hybridized: run.hybridized,
    };
  }

  applyLayer(layer: LayerValue, args: EvaluatedArgs, site: TextRange | null): Value {
    this.interp.tick();
    const run = this.currentRun();
    const inputs = args.positional;
    const inputTensors = inputs.flatMap(tensorsIn);
    const state = run.state.get(layer.id);
    const outcome = safely<LayerOutcome>(
      () => layer.def.apply(layer.args, inputs.map(toArgValue), this.env(layer, run), state),
      { output: UNKNOWN },
    );
    if (outcome.state) run.state.set(layer.id, outcome.state);
    this.layerObjects.set(layer.id, layer);
    const inputHist = mergeHist(inputTensors);
    const reused = run.layersSeen.has(layer.id);
    run.layersSeen.add(layer.id);
    const appId = this.nextId++;
    const lib = inputTensors[0]?.lib ?? libOf(layer.def.framework);
    const origin = inputTensors[0]?.origin ?? null;
    const outHist = extendLineage(inputHist, appId);
    const output = this.fromArg(outcome.output, outHist, origin, lib);
    const firstOut = tensorsIn(output)[0];
    const app: LayerApplication = {
      name: this.layerNames.get(layer.id) ?? layer.name,
      type: layer.def.names[0].split('.').pop() ?? layer.qname,
      framework: layer.def.framework,
      definedAt: layer.range,
      appliedAt: site ?? layer.range,
      inputShapes: inputTensors.map((t) => t.shape),
      outputShape: firstOut?.shape ?? null,
      axisNames: outcome.axisNames ?? null,
      layout: outcome.layout ?? null,
      layoutSource: outcome.layoutSource ?? null,
      params: outcome.params === undefined ? 0 : outcome.params,
      trainableParams: outcome.trainableParams === undefined ? (outcome.params === undefined ? 0 : outcome.params) : outcome.trainableParams,
      trace: outcome.trace ?? [],
      reused,
    };
    this.apps.set(appId, { app, layerId: layer.id, inputHist });
    run.apps.push(appId);
    if (outcome.issue) {
      this.report(run, outcome.issue, layer, site ?? layer.range, inputHist, layer.def.framework, inputTensors);
      // Stop the cascade: after an error nothing downstream is known.
      return firstOut ? tensorVal(null, lib, outHist, origin) : UNKNOWN_V;
    }
    return output;
  }

  private applyOp(def: LayerDef, args: EvaluatedArgs, site: CallSite, receiver: TensorVal | null): Value {
    this.interp.tick();
    const bound = bindArgs(def.params, args);
    const inputs = args.positional;
    const inputTensors = [...(receiver ? [receiver] : []), ...inputs.slice(receiver ? 1 : 0).flatMap(tensorsIn), ...[...args.keywords.values()].flatMap(tensorsIn)];
    const fakeLayer = { id: -1, name: def.names[0].split('.').pop() ?? '', def } as unknown as LayerValue;
    const outcome = safely<LayerOutcome>(() => def.apply(bound, inputs.map(toArgValue), this.env(fakeLayer, this.currentRun()), undefined), { output: UNKNOWN });
    const hist = mergeHist(inputTensors);
    const factory = inputTensors.length === 0;
    const origin = factory ? site.r : inputTensors[0]?.origin ?? null;
    if (outcome.issue) {
      this.report(this.currentRun(), outcome.issue, fakeLayer, site.r, hist, def.framework, inputTensors);
      const lib = inputTensors[0]?.lib ?? libOf(def.framework);
      return tensorsIn(this.fromArg(outcome.output, hist, origin, lib)).length ? tensorVal(null, lib, hist, origin) : UNKNOWN_V;
    }
    const result = this.fromArg(outcome.output, hist, origin, inputTensors[0]?.lib ?? libOf(def.framework));
    return this.attachSymbol(def, args, site, inputTensors, result);
  }

  // ------------------------------------------------------------ MXNet symbol API

  /** Records how a symbol was built (Variable, or an op over symbols) for later binding. */
  private attachSymbol(def: LayerDef, args: EvaluatedArgs, site: CallSite, inputs: TensorVal[], result: Value): Value {
    if (result.t !== 'tensor' || !def.names[0].startsWith('mxnet.symbol.')) return result;
    const nameArg = args.keywords.get('name') ?? (def.names[0].endsWith('.Variable') || def.names[0].endsWith('.var') ? args.positional[0] : undefined);
    const name = nameArg && nameArg.t === 'str' ? nameArg.v : null;
    if (def.names.some((n) => n === 'mxnet.symbol.Variable' || n === 'mxnet.symbol.var')) {
      return { ...result, sym: { id: this.nextId++, kind: 'var', name, declared: result.shape } };
    }
    if (!inputs.some((t) => t.sym)) return result;
    return { ...result, sym: { id: this.nextId++, kind: 'op', name, def, args, site } };
  }

  private symbolModule(args: EvaluatedArgs, site: CallSite): Value {
    const symbol = args.keywords.get('symbol') ?? args.positional[0];
    const obj = this.newObject(null, null, site.r, 'mxsym');
    if (symbol && symbol.t === 'tensor' && symbol.sym) obj.symbol = symbol;
    return obj;
  }

  private ndarrayIter(args: EvaluatedArgs, site: CallSite): Value {
    const obj = this.newObject(null, null, site.r, null);
    const data = args.keywords.get('data') ?? args.positional[0];
    const batch = args.keywords.get('batch_size') ?? args.positional[2] ?? num(1);
    const name = args.keywords.get('data_name');
    if (data && data.t === 'tensor' && data.shape && !data.shape.open && batch.t === 'num') {
      const shape = ranked([batch.v, ...data.shape.dims.slice(1)]);
      const dataName = name && name.t === 'str' ? name.v : 'data';
      obj.provideData = { name: dataName, shape };
      const dims: Value[] = shape.dims.map((d) => this.interp.dim(d));
      obj.attrs.set('provide_data', { t: 'list', items: [{ t: 'tuple', items: [{ t: 'str', v: dataName }, { t: 'tuple', items: dims }] }] });
    }
    return obj;
  }

  private printSummary(args: EvaluatedArgs, site: CallSite): Value {
    const symbol = args.positional[0] ?? args.keywords.get('symbol');
    const shape = args.keywords.get('shape') ?? args.positional[1];
    if (!symbol || symbol.t !== 'tensor' || !symbol.sym || !shape || shape.t !== 'dict') return UNKNOWN_V;
    const bindings = shape.entries.flatMap(([k, v]) => (k.t === 'str' ? [{ name: k.v, value: v }] : []));
    this.bindSymbol(symbol, bindings, site, null);
    return UNKNOWN_V;
  }

  private bindSymbolModule(obj: ObjectValue, method: string, args: EvaluatedArgs, site: CallSite): void {
    if (method === 'fit') {
      const iter = args.keywords.get('train_data') ?? args.positional[0];
      if (iter && iter.t === 'object' && iter.provideData) {
        const { name, shape } = iter.provideData;
        this.bindSymbol(obj.symbol!, [{ name, value: this.interp.dim(null) }], site, obj, { name, shape, origin: iter.range });
      }
      return;
    }
    const shapes = args.keywords.get('data_shapes') ?? args.positional[0];
    const items = shapes ? this.interp.iterate(shapes) : null;
    const bindings = (items ?? []).flatMap((it) =>
      (it.t === 'tuple' || it.t === 'list') && it.items.length === 2 && it.items[0].t === 'str' ? [{ name: it.items[0].v, value: it.items[1] }] : [],
    );
    this.bindSymbol(obj.symbol!, bindings, site, obj);
  }

  /** Evaluates a symbol with its input bound to a shape: a model run of the symbol's ops. */
  private bindSymbol(
    symbol: TensorVal,
    bindings: { name: string; value: Value }[],
    site: CallSite,
    owner: ObjectValue | null,
    direct?: { name: string; shape: Shape; origin: TextRange },
  ): void {
    const first = direct ? { name: direct.name, shape: direct.shape } : bindings.map((b) => ({ name: b.name, shape: shapeFromValue(b.value, false) })).find((b) => b.shape);
    if (!first || !first.shape) return;
    const obj = owner ?? this.newObject(null, null, site.r, 'mxsym');
    if (obj.ran) return;
    obj.symbol = symbol;
    obj.symbolInput = first.name;
    const input = tensorVal(first.shape, 'mxnet', null, direct?.origin ?? site.r);
    this.topLevelRun(obj, { positional: [input], keywords: new Map(), opaque: false }, null, false);
  }

  private evalSymbol(obj: ObjectValue, input: Value): Value {
    const memo = new Map<number, Value>();
    const evalNode = (v: Value): Value => {
      if (v.t === 'tuple' || v.t === 'list') return { ...v, items: v.items.map(evalNode) };
      if (v.t !== 'tensor' || !v.sym) return v;
      const node = v.sym;
      const hit = memo.get(node.id);
      if (hit) return hit;
      let out: Value;
      if (node.kind === 'var') {
        out = node.name === obj.symbolInput ? input : tensorVal(node.declared ?? null, 'mxnet', null, null);
      } else {
        const a = node.args!;
        const evaluated: EvaluatedArgs = {
          positional: a.positional.map(evalNode),
          keywords: new Map([...a.keywords].map(([k, x]) => [k, evalNode(x)])),
          opaque: a.opaque,
        };
        out = this.applySymbolOp(node, evaluated);
      }
      memo.set(node.id, out);
      return out;
    };
    return evalNode(obj.symbol!);
  }

  /** One op of a bound symbol, recorded like a layer so it appears in summaries and traces. */
  private applySymbolOp(node: SymNode, args: EvaluatedArgs): Value {
    const def = node.def!;
    const site = node.site!;
    const layer: LayerValue = {
      t: 'layer',
      id: node.id,
      def,
      qname: def.names[0],
      args: bindArgs(def.params, args),
      range: site.r,
      argsRange: site.argsRange,
      callArgs: site.args,
      name: node.name ?? this.displayName(def, def.names[0], undefined),
      declaredInput: null,
    };
    const tensors = [...args.positional, ...args.keywords.values()].flatMap(tensorsIn);
    return this.applyLayer(layer, { positional: tensors, keywords: new Map(), opaque: false }, site.r);
  }

  /** Converts a def's ArgValue result back into interpreter values, attaching lineage. */
  private fromArg(v: ArgValue, hist: Lineage | null, origin: TextRange | null, lib: TensorLib): Value {
    if (v === UNKNOWN) return UNKNOWN_V;
    if (v === null) return { t: 'none' };
    if (typeof v === 'number') return num(v, !Number.isInteger(v));
    if (typeof v === 'string') return { t: 'str', v };
    if (typeof v === 'boolean') return { t: 'bool', v };
    if (Array.isArray(v)) return { t: 'tuple', items: v.map((x) => this.fromArg(x, hist, origin, lib)) };
    if (isTensor(v)) return tensorVal(v.shape, v.lib === 'unknown' ? lib : v.lib, hist, origin);
    return UNKNOWN_V;
  }

  // ------------------------------------------------------------ tensors

  shapeTuple(t: TensorVal): Value {
    if (!t.shape || t.shape.open) return UNKNOWN_V;
    return { t: 'tuple', items: t.shape.dims.map((d) => this.interp.dim(d)) };
  }

  indexTensor(t: TensorVal, parts: Expr[], scope: Scope, _range: TextRange): Value {
    if (!t.shape || t.shape.open) return tensorVal(null, t.lib, t.hist, t.origin);
    const dims: Dim[] = [];
    let axis = 0;
    for (const p of parts) {
      if (p.k === 'none') {
        dims.push(1);
        continue;
      }
      if (p.k === 'slice') {
        const d = t.shape.dims[axis++];
        const full = !p.lower && !p.upper && !p.step;
        dims.push(full ? d : null);
        continue;
      }
      if (p.k === 'unknown' || (p.k === 'name' && p.id === 'Ellipsis')) return tensorVal(null, t.lib, t.hist, t.origin);
      const v = this.interp.eval(p, scope);
      if (v.t === 'num') {
        axis++;
        continue;
      }
      return tensorVal(null, t.lib, t.hist, t.origin);
    }
    dims.push(...t.shape.dims.slice(axis));
    return tensorVal(ranked(dims), t.lib, t.hist, t.origin);
  }

  tensorBinary(op: string, a: Value, b: Value, range: TextRange): Value {
    const ta = a.t === 'tensor' ? a : null;
    const tb = b.t === 'tensor' ? b : null;
    const base = (ta ?? tb)!;
    const hist = mergeHist([ta, tb].filter((x): x is TensorVal => !!x));
    if (op === '@') return tensorVal(null, base.lib, hist, base.origin);
    if (!ta || !tb) return tensorVal(base.shape, base.lib, hist, base.origin);
    const origin = ta.origin ?? tb.origin;
    if (ta.lib === 'torch' && tb.lib === 'torch') {
      const issue = torchBroadcastIssue(ta.shape, tb.shape, op);
      if (issue) {
        const fake = { id: -1, name: op, def: { framework: 'torch' } } as unknown as LayerValue;
        this.report(this.currentRun(), issue, fake, range, hist, 'torch', [ta, tb]);
        return tensorVal(null, base.lib, hist, origin);
      }
    }
    const shape = broadcast(ta.shape, tb.shape);
    return tensorVal(shape, base.lib, hist, origin);
  }

  indexContainer(obj: ObjectValue, key: Value): Value {
    if (key.t === 'num' && Number.isInteger(key.v)) {
      const i = key.v < 0 ? obj.items.length + key.v : key.v;
      return obj.items[i] ?? UNKNOWN_V;
    }
    if (key.t === 'str') return obj.attrs.get(key.v) ?? UNKNOWN_V;
    return UNKNOWN_V;
  }

  prod(v: Value | undefined): Value {
    if (!v || (v.t !== 'tuple' && v.t !== 'list')) return UNKNOWN_V;
    let p = 1;
    for (const i of v.items) {
      if (i.t !== 'num') return UNKNOWN_V;
      p *= i.v;
    }
    return num(p);
  }

  // ------------------------------------------------------------ diagnostics

  private report(run: Run, issue: LayerIssue, layer: LayerValue, range: TextRange, hist: Lineage | null, framework: Framework, inputs: TensorVal[] = []): void {
    run.issues++;
    if (run.dry) return;
    const rule = ruleByName(issue.rule);
    const explanation = [...this.historyLines(hist, inputs), ...issue.explanation];
    const related = [];
    if (layer.id > 0 && (range.start !== layer.range.start || range.end !== layer.range.end)) {
      related.push({ range: layer.range, message: `${layer.name} is defined here` });
    }
    const origin = inputs[0]?.origin;
    if (origin) related.push({ range: origin, message: `input shape ${formatShape(this.originShape(hist, inputs))} comes from here` });
    const fixes = (issue.fixes ?? []).flatMap((f) => {
      if (layer.id <= 0) return [];
      const edit = argEdit(layer, f.name, f.value, this.interp.text);
      return edit ? [{ title: f.title, applicability: f.applicability, edits: [edit] }] : [];
    });
    const d: Diagnostic = {
      code: rule.code,
      rule: rule.name,
      severity: issue.severity ?? rule.severity,
      message: issue.message,
      explanation,
      range,
      related,
      fixes,
      framework,
    };
    run.diagnostics.push(d);
    if (run === this.ambient) this.emit(d);
  }

  private originShape(hist: Lineage | null, inputs: TensorVal[]): Shape | null {
    const ids = lineageIds(hist);
    const first = ids.length ? this.apps.get(ids[0])?.app.inputShapes[0] : null;
    return first ?? inputs[0]?.shape ?? null;
  }

  /** One line per layer that shaped the input, oldest first (the last eight). */
  private historyLines(hist: Lineage | null, inputs: TensorVal[]): string[] {
    const lines: string[] = [];
    const recs = lineageIds(hist).map((id) => this.apps.get(id)).filter((r): r is AppRecord => !!r);
    const first = recs[0];
    const origin = inputs[0]?.origin;
    const inShape = first ? first.app.inputShapes[0] : inputs[0]?.shape;
    if (inShape && inShape.open && inShape.dims.length === 0) {
      lines.push('input shape unknown (the model is not called on a visible tensor); channels follow from the layers');
    } else if (inShape) {
      const where = origin ? ` (line ${this.lines.lineOf(origin.start) + 1})` : '';
      const axes = first?.app.axisNames ? ` read as ${first.app.axisNames.join(' ')}${first.app.layout ? ` (${first.app.layout}${first.app.layoutSource ? `, ${first.app.layoutSource}` : ''})` : ''}` : '';
      lines.push(`input ${formatShape(inShape)}${where}${axes}`);
    }
    for (const r of recs.slice(-8)) {
      const line = this.lines.lineOf(r.app.appliedAt.start) + 1;
      const formulas = r.app.trace.map((t) => `${t.axis}: ${t.formula}`).join('; ');
      lines.push(`${r.app.type} (line ${line}): ${formatShape(r.app.inputShapes[0] ?? null)} → ${formatShape(r.app.outputShape)}${formulas ? ` — ${formulas}` : ''}`);
    }
    return lines;
  }

  private emit(d: Diagnostic): void {
    const key = `${d.rule}|${d.range.start}|${d.range.end}|${d.message}`;
    if (this.diagKeys.has(key)) return;
    this.diagKeys.add(key);
    this.diags.push(d);
  }

  // ------------------------------------------------------------ runs

  private newRun(model: ObjectValue | null, dry: boolean): Run {
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

  private finishRun(run: Run, obj: ObjectValue): void {
    if (run.diagnostics.length > 0) this.checkLayout(run, obj);
    for (const d of run.diagnostics) this.emit(d);
    if (run.input) this.pushSummary(run, obj, [run.input]);
  }

  /**
   * If moving the input's channel axis makes every error of the run disappear, the real
   * problem is the layout: say so first, keeping the framework's own message.
   */
  private checkLayout(run: Run, obj: ObjectValue): void {
    const input = run.input;
    const env = this.env({ id: -1, name: '', def: { framework: 'keras' } } as unknown as LayerValue, run);
    const flip = layoutFlip(obj, input, { effective: env.kerasDataFormat, source: env.kerasDataFormatSource });
    if (!flip) return;
    const rerun = this.newRun(obj, true);
    rerun.hybridized = run.hybridized;
    rerun.kerasFormat = flip.kerasFormat;
    rerun.kerasFormatSource = 'shapelint layout check';
    this.runs.push(rerun);
    try {
      this.runObject(obj, { positional: flip.input ? [flip.input] : [], keywords: new Map(), opaque: false });
    } catch (e) {
      if (e instanceof Error && e.name === 'BudgetExceeded') throw e;
      return;
    } finally {
      this.runs.pop();
    }
    if (rerun.issues > 0) return;
    const first = run.diagnostics[0];
    const rule = ruleByName('layout-mismatch');
    const fixes = [...first.fixes];
    if (flip.transposeFix && run.inputArgRange) {
      const argText = this.interp.text.slice(run.inputArgRange.start, run.inputArgRange.end);
      fixes.unshift({
        title: `Transpose the input to ${flip.to} (${flip.transposeFix.describe})`,
        applicability: 'unsafe',
        edits: [{ range: run.inputArgRange, newText: flip.transposeFix.wrap(argText) }],
      });
    }
    const formatFix = flip.kerasFormat ? this.dataFormatFix(run, flip.kerasFormat) : null;
    if (formatFix) fixes.unshift(formatFix);
    run.diagnostics[0] = {
      ...first,
      code: rule.code,
      rule: rule.name,
      explanation: [...flip.explain, ...first.explanation],
      fixes,
    };
  }

  /**
   * Keras: give every layer of the run that reads the layout an explicit `data_format`, which is
   * exactly what the clean re-run assumed. Null when any of them cannot be edited.
   */
  private dataFormatFix(run: Run, format: string): Diagnostic['fixes'][number] | null {
    const layers = new Map<number, LayerValue>();
    for (const id of run.apps) {
      const layer = this.layerObjects.get(this.apps.get(id)!.layerId);
      if (layer && layer.def.params.some((p) => p.name === 'data_format') && !layer.args.explicit('data_format')) layers.set(layer.id, layer);
    }
    const edits = [...layers.values()].map((l) => argEdit(l, 'data_format', `'${format}'`, this.interp.text));
    if (edits.length === 0 || edits.some((e) => !e)) return null;
    return {
      title: `Set data_format='${format}' on the ${edits.length} layers that read the layout`,
      applicability: 'unsafe',
      edits: edits as TextEdit[],
    };
  }

  private pushSummary(run: Run, obj: ObjectValue, inputs: TensorVal[]): void {
    if (this.summarized.has(obj.id)) return;
    this.summarized.add(obj.id);
    const layers = run.apps.map((id) => this.apps.get(id)!.app);
    const seen = new Set<number>();
    let total: number | null = 0;
    let trainable: number | null = 0;
    for (const id of run.apps) {
      const rec = this.apps.get(id)!;
      if (seen.has(rec.layerId)) continue;
      seen.add(rec.layerId);
      total = rec.app.params === null || total === null ? null : total + rec.app.params;
      trainable = rec.app.trainableParams === null || trainable === null ? null : trainable + rec.app.trainableParams;
    }
    this.summariesOut.push({
      name: obj.varName ?? obj.cls?.def.name ?? obj.container ?? 'model',
      framework: obj.framework ?? 'torch',
      // A user class's model is where the class is written; containers where they are built.
      range: obj.cls ? obj.cls.def.nameRange : obj.range,
      inputShapes: inputs.map((t) => t.shape),
      inputSource: inputs[0]?.origin ?? null,
      layers,
      totalParams: total,
      trainableParams: trainable,
      nonTrainableParams: total !== null && trainable !== null ? total - trainable : null,
    });
  }

  /** After the module ran: build Keras models from input_shape, probe models nobody called. */
  finish(): void {
    for (const cls of this.classes) {
      if (this.instantiated.has(cls)) continue;
      const init = this.interp.findClassAttr(cls, '__init__');
      const needsArgs = init && init.value.t === 'func' && init.value.def.params.slice(1).some((p) => !p.default && !p.star);
      if (needsArgs) continue;
      const site: CallSite = { k: 'call', func: { k: 'unknown', r: cls.def.nameRange }, args: [], argsRange: cls.def.nameRange, r: cls.def.nameRange };
      const obj = this.instantiate(cls, { positional: [], keywords: new Map(), opaque: false }, site) as ObjectValue;
      obj.varName = cls.def.name;
    }
    for (const obj of [...this.objects]) {
      if (obj.ran || this.childIds.has(obj.id) || obj.container === 'torch.ModuleList' || obj.container === 'keras.Functional') continue;
      if (!obj.framework || (!obj.container && !obj.cls?.family)) continue;
      const input = this.declaredInput(obj);
      if (input) {
        this.topLevelRun(obj, { positional: [input], keywords: new Map(), opaque: false }, null, false);
        continue;
      }
      if (obj.framework === 'keras') continue;
      const probe = tensorVal(openShape([]), libOf(obj.framework), null, null);
      this.topLevelRun(obj, { positional: [probe], keywords: new Map(), opaque: false }, null, true);
    }
  }

  /** An input shape the code declares without calling the model. */
  private declaredInput(obj: ObjectValue): TensorVal | null {
    if (obj.kerasInput) return tensorVal(obj.kerasInput.shape, 'keras', null, obj.kerasInput.range);
    const line = this.lines.lineOf(obj.range.start);
    const direct = this.directives.get(line);
    if (direct) return tensorVal(direct, libOf(obj.framework!), null, obj.range);
    if (obj.cls) {
      const classLine = this.lines.lineOf(obj.cls.def.r.start);
      const fromClass = this.directives.get(classLine);
      if (fromClass) return tensorVal(fromClass, libOf(obj.framework!), null, obj.cls.def.nameRange);
      const fwd = this.forwardMethod(obj);
      if (fwd) {
        const fline = this.lines.lineOf(fwd.fn.def.r.start);
        const fromFwd = this.directives.get(fline);
        if (fromFwd) return tensorVal(fromFwd, libOf(obj.framework!), null, fwd.fn.def.nameRange);
        const params = fwd.fn.def.params.slice(fwd.withF ? 2 : 1);
        const ann = params[0]?.annotation;
        const shape = ann ? parseJaxtyping(ann) : null;
        if (shape) return tensorVal(shape, libOf(obj.framework!), null, ann!.r);
      }
    }
    const cfg = this.interp.options.inputShapes?.[obj.varName ?? ''];
    if (cfg) return tensorVal(ranked(cfg), libOf(obj.framework!), null, null);
    return null;
  }

  diagnostics(): Diagnostic[] {
    return [...this.diags].sort((a, b) => a.range.start - b.range.start || a.code.localeCompare(b.code));
  }

  summaries(): ModelSummary[] {
    return this.summariesOut;
  }
}

// ------------------------------------------------------------ helpers

const TENSOR_METHOD_PREFIX: Record<TensorLib, string | null> = {
  torch: 'torch.Tensor',
  mxnet: 'mxnet.NDArray',
  numpy: 'numpy.ndarray',
  keras: null,
  unknown: null,
};

function containerFamily(c: NonNullable<ObjectValue['container']>): ModelFamily {
  if (c.startsWith('torch.')) return 'torch.Module';
  if (c.startsWith('keras.')) return 'keras.Model';
  return c === 'gluon.HybridSequential' ? 'gluon.HybridBlock' : 'gluon.Block';
}

function frameworkOfFamily(f: ModelFamily | null): Framework | null {
  if (!f) return null;
  if (f.startsWith('torch')) return 'torch';
  if (f.startsWith('keras')) return 'keras';
  return 'gluon';
}

function frameworkOfContainer(c: NonNullable<ObjectValue['container']>): Framework {
  return frameworkOf(c.startsWith('gluon') ? 'mxnet.' : c.startsWith('keras') ? 'keras.' : 'torch.') === 'gluon'
    ? 'gluon'
    : c.startsWith('keras')
      ? 'keras'
      : 'torch';
}

function libOf(f: Framework): TensorLib {
  return f === 'torch' ? 'torch' : f === 'keras' ? 'keras' : 'mxnet';
}

function tensorsIn(v: Value): TensorVal[] {
  if (v.t === 'tensor') return [v];
  if (v.t === 'tuple' || v.t === 'list') return v.items.flatMap(tensorsIn);
  return [];
}

function mergeHist(ts: TensorVal[]): Lineage | null {
  return joinLineage(ts.map((t) => t.hist));
}

function pairsOf(items: Value[]): [Value, Value][] {
  return items.flatMap((p) => ((p.t === 'tuple' || p.t === 'list') && p.items.length === 2 ? [[p.items[0], p.items[1]] as [Value, Value]] : []));
}

function sameKey(a: Value, b: Value): boolean {
  return (a.t === 'str' && b.t === 'str' && a.v === b.v) || (a.t === 'num' && b.t === 'num' && a.v === b.v);
}

function safely<T>(f: () => T, fallback: T): T {
  try {
    return f();
  } catch (e) {
    // A catalogue bug must not take the analysis down; the layer's result is unknown.
    if (e instanceof Error && e.name === 'BudgetExceeded') throw e;
    return fallback;
  }
}

/** Keras' default layer name prefix: `keras.src.utils.naming.to_snake_case` (Conv2DTranspose → conv2d_transpose). */
function snakeCase(cls: string): string {
  const aliases: Record<string, string> = { Convolution1D: 'Conv1D', Convolution2D: 'Conv2D', Convolution3D: 'Conv3D' };
  const c = aliases[cls] ?? cls;
  return c
    .replace(/\W+/g, '')
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

function gluonPrefix(cls: string): string {
  if (/Pool/.test(cls)) return 'pool';
  if (/^Conv.*Transpose/.test(cls)) return 'conv';
  if (/^Conv/.test(cls)) return 'conv';
  return cls.replace(/\d+D$/, '').toLowerCase();
}

/** Keras first-layer input declarations: input_shape / batch_input_shape / input_dim (+ batch_size). */
function declaredKerasInput(raw: Map<string, Value>, qname: string): Shape | null {
  const batch = raw.get('batch_size');
  const b: Dim = batch && batch.t === 'num' ? batch.v : 'N';
  const bis = raw.get('batch_input_shape') ?? raw.get('batch_shape');
  if (bis) {
    const s = shapeFromValue(bis, true);
    if (s) return s;
  }
  const is = raw.get('input_shape');
  if (is) {
    const s = shapeFromValue(is, false);
    if (s) return ranked([b, ...s.dims]);
  }
  // Embedding's input_dim is its vocabulary size, not an input shape.
  const dim = qname === 'keras.layers.Embedding' ? undefined : raw.get('input_dim');
  if (dim && dim.t === 'num') return ranked([b, dim.v]);
  return null;
}

/** A tuple/list of ints (None → batch symbol when `noneIsBatch` and first, else unknown). */
export function shapeFromValue(v: Value, noneIsBatch: boolean): Shape | null {
  if (v.t === 'num' && Number.isInteger(v.v)) return ranked([v.v]);
  if (v.t !== 'tuple' && v.t !== 'list') return null;
  const dims: Dim[] = [];
  v.items.forEach((it, i) => {
    if (it.t === 'num' && Number.isInteger(it.v)) dims.push(it.v);
    else if (it.t === 'none' || (it.t === 'num' && it.v === -1)) dims.push(noneIsBatch && i === 0 ? 'N' : null);
    else dims.push(null);
  });
  return ranked(dims);
}

function broadcast(a: Shape | null, b: Shape | null): Shape | null {
  if (!a || !b || a.open || b.open) return null;
  const n = Math.max(a.dims.length, b.dims.length);
  const out: Dim[] = [];
  for (let i = 0; i < n; i++) {
    const x = a.dims[a.dims.length - n + i] ?? 1;
    const y = b.dims[b.dims.length - n + i] ?? 1;
    if (x === 1) out.push(y);
    else if (y === 1) out.push(x);
    else if (x === y) out.push(x);
    else out.push(null);
  }
  return ranked(out);
}

/**
 * PyTorch's elementwise broadcasting error (`TensorIterator`'s `infer_size`): dims are
 * compared from the right and the first pair that differs with neither being 1 raises, naming
 * the axis of the broadcast result. Silent when an unknown dim comes before the clash, since it
 * could be the one that raises.
 */
function torchBroadcastIssue(a: Shape | null, b: Shape | null, op: string): LayerIssue | null {
  if (!a || !b || a.open || b.open) return null;
  const n = Math.max(a.dims.length, b.dims.length);
  for (let i = n - 1; i >= 0; i--) {
    const x = i - (n - a.dims.length) >= 0 ? a.dims[i - (n - a.dims.length)] : 1;
    const y = i - (n - b.dims.length) >= 0 ? b.dims[i - (n - b.dims.length)] : 1;
    if (x === 1 || y === 1 || x === y) continue;
    if (typeof x !== 'number' || typeof y !== 'number') return null;
    return {
      rule: 'merge-mismatch',
      message: `The size of tensor a (${x}) must match the size of tensor b (${y}) at non-singleton dimension ${i}`,
      explanation: [
        `\`${op}\` broadcasts ${formatShape(a)} with ${formatShape(b)}: aligned from the right, axis ${i} is ${x} against ${y}, and neither is 1.`,
      ],
    };
  }
  return null;
}

interface LayoutFlip {
  input: TensorVal | null;
  kerasFormat?: 'channels_last' | 'channels_first';
  to: string;
  explain: string[];
  transposeFix: { wrap(arg: string): string; describe: string } | null;
}

/** How to move the channel axis for the layout re-run, or null when it does not apply. */
function layoutFlip(obj: ObjectValue, input: TensorVal | null, keras: { effective: string; source: string }): LayoutFlip | null {
  if (!input || !input.shape || input.shape.open) return null;
  const dims = input.shape.dims;
  const rank = dims.length;
  if (rank < 3 || rank > 5) return null;
  if (obj.framework === 'keras') {
    const target = keras.effective === 'channels_first' ? 'channels_last' : 'channels_first';
    const names = keras.effective === 'channels_first' ? ['C', 'H', 'W', 'D'] : ['H', 'W', 'D'];
    const spatial = dims.slice(1);
    const read =
      keras.effective === 'channels_first'
        ? spatial.map((d, i) => `${['C', 'H', 'W'][i] ?? 'D'}=${d ?? '?'}`).join(', ')
        : spatial.map((d, i) => `${i === spatial.length - 1 ? 'C' : names[i]}=${d ?? '?'}`).join(', ');
    return {
      input,
      kerasFormat: target,
      to: target,
      explain: [
        `layout: data_format is ${keras.effective} (${keras.source}), so the input ${formatShape(input.shape)} is read as ${read}.`,
        `With data_format=${target} the same input runs through this model without error.`,
      ],
      transposeFix: null,
    };
  }
  // Channels-first frameworks: the data may be channels-last. Move the last axis to 1.
  const perm = [0, rank - 1, ...Array.from({ length: rank - 2 }, (_, i) => i + 1)];
  const moved = ranked(perm.map((p) => dims[p]));
  const names = rank === 4 ? ['N', 'C', 'H', 'W'] : rank === 3 ? ['N', 'C', 'W'] : ['N', 'C', 'D', 'H', 'W'];
  const read = names.map((n, i) => `${n}=${dims[i] ?? '?'}`).join(', ');
  const fw = obj.framework === 'gluon' ? 'Gluon' : 'PyTorch';
  const lastName = rank === 4 ? 'NHWC' : rank === 3 ? 'NWC' : 'NDHWC';
  const firstName = rank === 4 ? 'NCHW' : rank === 3 ? 'NCW' : 'NCDHW';
  const permText = perm.join(', ');
  const transposeFix =
    input.lib === 'torch'
      ? { wrap: (a: string) => `${wrapParen(a)}.permute(${permText})`, describe: `.permute(${permText})` }
      : input.lib === 'mxnet' || input.lib === 'numpy'
        ? { wrap: (a: string) => `${wrapParen(a)}.transpose((${permText}))`, describe: `.transpose((${permText}))` }
        : null;
  return {
    input: { ...input, shape: moved, hist: null },
    to: firstName,
    explain: [
      `layout: the input ${formatShape(input.shape)} looks channels-last (${lastName}), but ${fw} reads ${firstName}: ${read}.`,
      `With the channel axis moved, ${formatShape(moved)} runs through this model without error.`,
    ],
    transposeFix,
  };
}

function wrapParen(a: string): string {
  return /^[A-Za-z_][A-Za-z_0-9.]*$/.test(a) ? a : `(${a})`;
}

export type { Arg };
