/**
 * Builds the neutral port graph from a model summary: one framework-specific reader per layer
 * class turns the layer's arguments and inferred shapes into a node; what no reader knows, or
 * a reader cannot translate exactly, becomes a stub node that keeps its shapes.
 */
import type { Dim, LayerApplication, ModelSummary } from '../types';
import { shapeText, stub, toChannelsLast, type LayerView, type Layout, type PortFramework, type PortGraph, type PortNode, type PortOp, type ReadResult } from './ir';
import { kerasActivation, readKerasLayer } from './read-keras';
import { readTorchLayer } from './read-torch';
import { readGluonLayer } from './read-gluon';
import { mxsymLayout, readMxsymLayer } from './read-mxsym';

/** A framework's reader: the layer's ops, and the layout the layer works in (null: its input's). */
export interface Reader {
  read(v: LayerView): ReadResult;
  layout(app: LayerApplication): Layout | null;
}

const READERS: Record<PortFramework, Reader> = {
  keras: { read: readKerasLayer, layout: (app) => (app.layout === 'channels_first' ? 'cf' : 'cl') },
  torch: { read: readTorchLayer, layout: (app) => channelsFirstLayer(app) },
  gluon: { read: readGluonLayer, layout: (app) => channelsFirstLayer(app) },
};

const MXSYM_READER: Reader = { read: readMxsymLayer, layout: mxsymLayout };

/** PyTorch and Gluon: convolutions, pooling and normalisation are channels-first; dense, recurrent and embedding layers work on the last axis. */
function channelsFirstLayer(app: LayerApplication): Layout | null {
  if (app.type.includes('.')) return /^(max_pool|avg_pool|Pooling|Convolution|BatchNorm)/.test(app.name) ? 'cf' : null;
  if (/^(Conv|MaxPool|AvgPool|Avg|Max|Adaptive|GlobalAvg|GlobalMax|BatchNorm|ZeroPad|ConstantPad|ReflectionPad|InstanceNorm)/.test(app.type)) return 'cf';
  if (/^(Linear|Dense|LSTM|GRU|RNN|Embedding|LayerNorm)$/.test(app.type)) return 'cl';
  return null;
}

/** The port graph of a model, or a reason it cannot be read. */
export function readModel(m: ModelSummary, lineOf: (offset: number) => number): PortGraph | string {
  const symbolic = m.framework === 'mxsym';
  const source: PortFramework = symbolic ? 'gluon' : (m.framework as PortFramework);
  const input = m.inputShapes[0];
  if (!input || input.open || m.inputShapes.length !== 1) return 'the model has no single input of known rank: give it one (a `# shapelint: input=(N, ...)` directive)';
  const reader = symbolic ? MXSYM_READER : READERS[source];
  // The input's layout: the first layer that has one decides (an activation or dropout before it has none).
  const inputLayout = m.layers.map((l) => reader.layout(l)).find((l) => l !== null) ?? 'cl';
  const inputDims = canonical(input.dims, inputLayout);
  const layouts: Layout[] = [inputLayout];
  const nodes: PortNode[] = [{ id: 0, op: { kind: 'input', dtype: 'float' }, inputs: [], shape: inputDims, params: 0, name: 'input', type: 'Input', line: lineOf(m.range.start) }];
  const lastNodeOfApp: number[] = [];
  const uses = m.layers.map((_, i) => m.layers.reduce((k, l) => k + (l.inputsFrom ?? []).filter((f) => f === i).length, 0));
  for (const [appIndex, app] of m.layers.entries()) {
    const producers = (app.inputsFrom ?? []).map((i) => (i === null ? null : i === -1 ? 0 : lastNodeOfApp[i] ?? null));
    const layout = reader.layout(app) ?? layouts[producers[0] ?? 0] ?? 'cl';
    const view: LayerView = {
      app,
      args: app.args ?? {},
      inputs: app.inputShapes.map((s) => (s && !s.open ? canonical(s.dims, layout) : null)),
      output: app.outputShape && !app.outputShape.open ? canonical(app.outputShape.dims, layout) : null,
      layout,
      uses: uses[appIndex],
    };
    let ops: PortOp[];
    const unseen = producers.some((p, k) => p !== null && !sameAfterBatch(nodes[p].shape, view.inputs[k]));
    if (unseen) ops = [stub(`an operation shapelint port cannot see changes the shape before ${app.name} (from ${shapeText(nodes[producers[0] ?? 0].shape)})`)];
    else if (app.reused && app.params !== 0) ops = [stub(`the layer ${app.name} is applied a second time (shared weights)`)];
    else if (producers.some((p) => p === null) || producers.length === 0) ops = [stub('its input could not be traced in the model')];
    else ops = reader.read(view);
    // A layer that cannot be translated still shows its `activation=` (for comparisons).
    if (ops.length === 1 && ops[0].kind === 'stub' && typeof view.args.activation === 'string') ops.push(...kerasActivation(view.args.activation).filter((o) => o.kind === 'act'));
    // An untraceable input (a stub already says so) hangs the node on the node before it.
    const traced = producers.filter((x): x is number => x !== null);
    let inputs = traced.length ? traced : [nodes.length - 1];
    ops.forEach((op, k) => {
      const id = nodes.length;
      nodes.push({
        id, op, inputs, shape: k === ops.length - 1 ? view.output : innerShape(op, view), params: k === 0 ? app.params : 0,
        name: app.name, type: app.type, line: lineOf(app.definedAt.start),
      });
      layouts.push(layout);
      inputs = [id];
    });
    lastNodeOfApp.push(nodes.length - 1);
    if (ops.some((o) => o.kind === 'input')) return `internal: reader produced an input node for ${app.name}`;
  }
  markIntegerInputs(nodes);
  return {
    source, modelName: m.name, nodes, output: nodes.length - 1,
    totalParams: m.totalParams, trainableParams: m.trainableParams, inputLayout, ...(symbolic ? { symbolic } : {}),
  };
}

/** The shape after an op that a reader put before the layer's last one (the flatten of a Gluon Dense, the pooling before a keep-dims reshape). */
function innerShape(op: PortOp, view: LayerView): Dim[] | null {
  const input = view.inputs[0];
  const out = view.output;
  if (op.kind === 'gpool' && out) return [out[0], out[out.length - 1]];
  if (op.kind === 'flatten' && input) return [input[0], input.slice(1).reduce<Dim>((p, d) => (typeof p === 'number' && typeof d === 'number' ? p * d : null), 1)];
  return out;
}

function sameAfterBatch(a: Dim[] | null, b: Dim[] | null): boolean {
  if (!a || !b) return true;
  return a.length === b.length && a.every((d, i) => i === 0 || d === null || b[i] === null || d === b[i]);
}

/** Canonical (channels-last) dims of a shape in `layout`. */
function canonical(dims: Dim[], layout: Layout): Dim[] {
  return layout === 'cf' ? toChannelsLast(dims) : [...dims];
}

/** An input read first by an embedding holds token ids. */
function markIntegerInputs(nodes: PortNode[]): void {
  if (nodes.some((n) => n.inputs.includes(0) && n.op.kind === 'embedding')) nodes[0].op = { kind: 'input', dtype: 'int' };
}
