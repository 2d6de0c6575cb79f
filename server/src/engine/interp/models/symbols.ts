/**
 * The MXNet symbol API. Building a symbol records how it was made (a Variable, or an op over
 * symbols); binding it to an input shape (`Module.bind`, `fit` with a data iterator,
 * `infer_shape`, `print_summary`) evaluates it as a model run, op by op, so each op appears in
 * summaries and traces like a layer.
 */
import { UNKNOWN, type LayerDef } from '../../layers/types';
import { mxLegacyShape, ranked } from '../../shapes';
import type { Shape, TextRange } from '../../types';
import { bindArgs, type EvaluatedArgs } from '../bind';
import { num, tensorVal, UNKNOWN_V, type LayerValue, type ObjectValue, type SymNode, type TensorVal, type Value } from '../values';
import type { ModelContext } from './context';
import type { CallSite } from './interfaces';
import { shapeFromValue, tensorsIn } from './support';

/** Records how a symbol was built (Variable, or an op over symbols) for later binding. */
export function attachSymbol(ctx: ModelContext, def: LayerDef, args: EvaluatedArgs, site: CallSite, inputs: TensorVal[], result: Value): Value {
  if (!def.names[0].startsWith('mxnet.symbol.')) return result;
  const nameArg = args.keywords.get('name') ?? (def.names[0].endsWith('.Variable') || def.names[0].endsWith('.var') ? args.positional[0] : undefined);
  const name = nameArg && nameArg.t === 'str' ? nameArg.v : null;
  if (result.t !== 'tensor') return inputs.some((t) => t.sym) ? attachOutputs(ctx, def, args, site, name, result) : result;
  if (def.names.some((n) => n === 'mxnet.symbol.Variable' || n === 'mxnet.symbol.var')) {
    return { ...result, sym: { id: ctx.nextId(), kind: 'var', name, declared: result.shape } };
  }
  if (!inputs.some((t) => t.sym)) return result;
  return { ...result, sym: { id: ctx.nextId(), kind: 'op', name, def, args, site } };
}

/**
 * A multi-output op (`split`/`SliceChannel`, `RNN(state_outputs=True)`, `topk(ret_typ='both')`):
 * each output is its own symbol node, so `parts[0]` keeps the graph connected.
 */
function attachOutputs(ctx: ModelContext, def: LayerDef, args: EvaluatedArgs, site: CallSite, name: string | null, result: Value): Value {
  if ((result.t !== 'tuple' && result.t !== 'list') || !result.items.every((v) => v.t === 'tensor')) return result;
  const items = result.items.map((v, i) => ({ ...(v as TensorVal), sym: { id: ctx.nextId(), kind: 'op' as const, name, def: outputOf(def, i), args, site } }));
  return { ...result, items };
}

const outputDefs = new WeakMap<LayerDef, LayerDef[]>();

/**
 * `def` reduced to its i-th output. Output 0 carries the op's weights; another output of an op
 * with weights says "unknown", since the weights are counted only if output 0 is used too (a
 * total is then unknown, never short).
 */
function outputOf(def: LayerDef, i: number): LayerDef {
  const list = outputDefs.get(def) ?? [];
  outputDefs.set(def, list);
  list[i] ??= {
    ...def,
    apply(args, inputs, env, state) {
      const out = def.apply(args, inputs, env, state);
      const item = Array.isArray(out.output) ? out.output[i] : undefined;
      return { ...out, output: item ?? UNKNOWN, params: i === 0 || out.params === 0 ? out.params : null };
    },
  };
  return list[i];
}

/** `mx.mod.Module(symbol=...)`: an object that evaluates its symbol once bound. */
export function symbolModule(ctx: ModelContext, args: EvaluatedArgs, site: CallSite): Value {
  const symbol = args.keywords.get('symbol') ?? args.positional[0];
  const obj = ctx.containers.newObject(null, null, site.r, 'mxsym');
  if (symbol && symbol.t === 'tensor' && symbol.sym) obj.symbol = symbol;
  return obj;
}

/**
 * Legacy `mx.model.FeedForward(symbol, ctx, num_epoch, ..., numpy_batch_size=128)`: a model
 * object that evaluates its symbol when `fit` gives it data (python/mxnet/model.py).
 */
export function feedForward(ctx: ModelContext, args: EvaluatedArgs, site: CallSite): Value {
  const obj = symbolModule(ctx, args, site);
  if (obj.t === 'object') obj.attrs.set('numpy_batch_size', args.keywords.get('numpy_batch_size') ?? num(128));
  return obj;
}

/**
 * `FeedForward.fit(X, y=None, ...)`: an iterator is read as by `Module.fit`; an array becomes
 * `NDArrayIter(X, y, min(X.shape[0], numpy_batch_size))` with data name 'data' (`_init_iter`).
 */
export function fitFeedForward(ctx: ModelContext, obj: ObjectValue, args: EvaluatedArgs, site: CallSite): void {
  const x = args.keywords.get('X') ?? args.positional[0];
  if (!x || !obj.symbol) return;
  if (x.t === 'object' && x.provideData) {
    const { name, shape } = x.provideData;
    bindSymbol(ctx, obj.symbol, [], site, obj, { name, shape, origin: x.range });
    return;
  }
  if (x.t !== 'tensor' || !x.shape || x.shape.open || x.shape.dims.length === 0) return;
  const bs = obj.attrs.get('numpy_batch_size');
  const n = x.shape.dims[0];
  const batch = bs && bs.t === 'num' && typeof n === 'number' ? Math.min(n, bs.v) : null;
  const origin = x.origin ?? site.r;
  bindSymbol(ctx, obj.symbol, [], site, obj, { name: 'data', shape: ranked([batch, ...x.shape.dims.slice(1)]), origin });
}

/** `FeedForward.create(symbol, X, y=None, ...)`: constructs the model and fits it at once. */
export function createFeedForward(ctx: ModelContext, args: EvaluatedArgs, site: CallSite): Value {
  const rest = new Map([...args.keywords].filter(([k]) => k !== 'X' && k !== 'y'));
  const obj = feedForward(ctx, { positional: args.positional.slice(0, 1), keywords: rest, opaque: args.opaque }, site);
  const x = args.keywords.get('X') ?? args.positional[1];
  if (obj.t === 'object' && x) fitFeedForward(ctx, obj, { positional: [x], keywords: new Map(), opaque: false }, site);
  return obj;
}

/** `mx.io.NDArrayIter(data, label, batch_size)`: remembers the shape of one batch. */
export function ndarrayIter(ctx: ModelContext, args: EvaluatedArgs, site: CallSite): Value {
  const obj = ctx.containers.newObject(null, null, site.r, null);
  const data = args.keywords.get('data') ?? args.positional[0];
  const batch = args.keywords.get('batch_size') ?? args.positional[2] ?? num(1);
  const name = args.keywords.get('data_name');
  if (data && data.t === 'tensor' && data.shape && !data.shape.open && batch.t === 'num') {
    const label = args.keywords.get('label') ?? args.positional[1];
    const labelName = args.keywords.get('label_name');
    const labelShape = label?.t === 'tensor' && label.shape && !label.shape.open ? ranked([batch.v, ...label.shape.dims.slice(1)]) : null;
    provideBatch(ctx, obj, name && name.t === 'str' ? name.v : 'data', ranked([batch.v, ...data.shape.dims.slice(1)]), labelShape, labelName?.t === 'str' ? labelName.v : undefined);
  }
  return obj;
}

/**
 * An MXNet data iterator's batch: read by `Module.fit` and the code's own `provide_data`, and
 * its label batch as `provide_label` (named `softmax_label` unless `label_name=` says), for
 * the checks of outputs against labels.
 */
export function provideBatch(ctx: ModelContext, obj: ObjectValue, dataName: string, shape: Shape, label: Shape | null = null, labelName = 'softmax_label'): void {
  obj.provideData = { name: dataName, shape };
  const desc = (n: string, s: Shape): Value => ({ t: 'tuple', items: [{ t: 'str', v: n }, { t: 'tuple', items: s.dims.map((d) => ctx.host.dim(d)) }] });
  obj.attrs.set('provide_data', { t: 'list', items: [desc(dataName, shape)] });
  if (label) obj.attrs.set('provide_label', { t: 'list', items: [desc(labelName, label)] });
}

/** `mx.viz.print_summary(symbol, shape={'data': (...)})`. */
export function printSummary(ctx: ModelContext, args: EvaluatedArgs, site: CallSite): Value {
  const symbol = args.positional[0] ?? args.keywords.get('symbol');
  const shape = args.keywords.get('shape') ?? args.positional[1];
  if (!symbol || symbol.t !== 'tensor' || !symbol.sym || !shape || shape.t !== 'dict') return UNKNOWN_V;
  const bindings = shape.entries.flatMap(([k, v]) => (k.t === 'str' ? [{ name: k.v, value: v }] : []));
  bindSymbol(ctx, symbol, bindings, site, null);
  return UNKNOWN_V;
}

/** `sym.infer_shape(data=(...))`. */
export function inferShape(ctx: ModelContext, t: TensorVal, args: EvaluatedArgs, site: CallSite): Value {
  bindSymbol(ctx, t, [...args.keywords].map(([k, v]) => ({ name: k, value: v })), site, null);
  return UNKNOWN_V;
}

/** `mod.bind(data_shapes=[('data', (...))])` or `mod.fit(train_iter)`. */
export function bindSymbolModule(ctx: ModelContext, obj: ObjectValue, method: string, args: EvaluatedArgs, site: CallSite): void {
  if (method === 'fit') {
    const iter = args.keywords.get('train_data') ?? args.positional[0];
    if (iter && iter.t === 'object' && iter.provideData) {
      const { name, shape } = iter.provideData;
      bindSymbol(ctx, obj.symbol!, [{ name, value: ctx.host.dim(null) }], site, obj, { name, shape, origin: iter.range });
    }
    return;
  }
  const shapes = args.keywords.get('data_shapes') ?? args.positional[0];
  const items = shapes ? ctx.host.iterate(shapes) : null;
  const bindings = (items ?? []).flatMap((it) =>
    (it.t === 'tuple' || it.t === 'list') && it.items.length === 2 && it.items[0].t === 'str' ? [{ name: it.items[0].v, value: it.items[1] }] : [],
  );
  bindSymbol(ctx, obj.symbol!, bindings, site, obj);
}

/** Evaluates a symbol with its input bound to a shape: a model run of the symbol's ops. */
function bindSymbol(
  ctx: ModelContext,
  symbol: TensorVal,
  bindings: { name: string; value: Value }[],
  site: CallSite,
  owner: ObjectValue | null,
  direct?: { name: string; shape: Shape; origin: TextRange },
): void {
  const first = direct ? { name: direct.name, shape: direct.shape } : bindings.map((b) => ({ name: b.name, shape: mxLegacyShape(shapeFromValue(b.value, false)) })).find((b) => b.shape);
  if (!first || !first.shape) return;
  const obj = owner ?? ctx.containers.newObject(null, null, site.r, 'mxsym');
  if (obj.ran) return;
  obj.symbol = symbol;
  obj.symbolInput = first.name;
  const input = tensorVal(first.shape, 'mxnet', null, direct?.origin ?? site.r);
  ctx.runs.topLevelRun(obj, { positional: [input], keywords: new Map(), opaque: false }, null, false);
}

export function evalSymbol(ctx: ModelContext, obj: ObjectValue, input: Value): Value {
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
      out = applySymbolOp(ctx, node, evaluated);
    }
    memo.set(node.id, out);
    return out;
  };
  return evalNode(obj.symbol!);
}

/** One op of a bound symbol, recorded like a layer so it appears in summaries and traces. */
function applySymbolOp(ctx: ModelContext, node: SymNode, args: EvaluatedArgs): Value {
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
    name: node.name ?? ctx.layers.displayName(def, def.names[0], undefined),
    declaredInput: null,
  };
  const tensors = [...args.positional, ...args.keywords.values()].flatMap(tensorsIn);
  return ctx.runs.applyLayer(layer, { positional: tensors, keywords: new Map(), opaque: false }, site.r);
}
