/** Writes a port graph as Keras: a Sequential model for a plain chain, the functional API for a graph. */
import { shapeText, type MergeFn, type PortNode, type PortOp, type RnnOp } from './ir';
import { anyPad, asymmetric, demoBatch, excludesPad, isDepthwise, KERAS_ACT_NAME, kerasFused, kerasTransposePadding, origin, pySize, pyTuple, targetShape, tfSame, type Plan } from './plan';
import { catalogueNotes, flattenNote, flattenReorder, softmaxNote, sourceName, timeMajorNote, type Written } from './write-common';
import { sliceIndex } from './write-torch';

export function writeKeras(plan: Plan, withWeights: string | null): Written {
  const g = plan.graph;
  const input = g.nodes[0];
  const intInput = input.op.kind === 'input' && input.op.dtype === 'int';
  const inputLine = `keras.Input(shape=${pyTuple((input.shape ?? []).slice(1).map(String))}${intInput ? ", dtype='int32'" : ''})`;
  const items: { node: PortNode; code: string[]; comments: string[] }[] = [];
  for (const n of g.nodes.slice(1)) {
    if (kerasFused(plan, n.id)) continue;
    items.push({ node: n, code: kerasLayers(plan, n), comments: kerasComments(plan, n) });
  }
  const stubs = g.nodes.filter((n) => n.op.kind === 'stub');
  // An expression (`=X[:, 1:3]`, Keras 3's GetItem on a functional tensor) is no layer: it needs the functional API.
  const applied = items.flatMap((it) => it.code.flatMap((l, k) => (isExpression(l) ? [] : [k === it.code.length - 1 ? it.node.id : -1])));
  const sequential = plan.chain && !items.some((it) => it.code.some(isExpression));
  const lines: string[] = [
    `"""${g.modelName} (${sourceName(g)}), ported to Keras by shapelint port."""`,
    'import keras',
    'import numpy as np',
    'from keras import layers',
  ];
  for (const n of stubs) lines.push(...stubClass(plan, n));
  lines.push('', '', 'def build_model():');
  for (const c of [...channelsLastNote(plan), ...timeMajorNote(plan)]) lines.push(`    # ${c}`);
  if (sequential) {
    lines.push('    model = keras.Sequential(', `        [`, `            ${inputLine},`);
    for (const it of items) {
      for (const c of it.comments) lines.push(`            # ${c}`);
      for (const l of it.code) lines.push(`            ${l},`);
    }
    lines.push('        ]', '    )', '    return model');
  } else {
    lines.push(`    inputs = ${inputLine}`);
    const names = new Map<number, string>([[0, 'inputs']]);
    for (const it of items) {
      const ins = it.node.inputs.map((i) => names.get(i) ?? 'inputs');
      const arg = it.node.op.kind === 'mha' ? attentionArgs(ins) : ins.length === 1 ? ins[0] : `[${ins.join(', ')}]`;
      for (const c of it.comments) lines.push(`    # ${c}`);
      let cur = arg;
      it.code.forEach((l, k) => {
        const out = `x${it.node.id}${k < it.code.length - 1 ? `_${k}` : ''}`;
        lines.push(`    ${out} = ${isExpression(l) ? l.slice(1).replace('X', cur) : `${l}(${cur})`}`);
        cur = out;
      });
      names.set(it.node.id, cur);
      // A fused activation's node stands for the same tensor.
      const after = plan.consumers[it.node.id].find((c) => kerasFused(plan, c));
      if (after !== undefined) names.set(after, cur);
    }
    lines.push(`    return keras.Model(inputs, ${names.get(g.output) ?? 'inputs'})`);
  }
  if (withWeights) lines.push(...withWeights.split('\n'));
  const dims = (input.shape ?? []).map((d, i) => (i === 0 ? demoBatch(g) : d));
  const emb = g.nodes.find((n) => n.inputs.includes(0) && n.op.kind === 'embedding')?.op;
  const demo = intInput && emb?.kind === 'embedding' ? `np.random.randint(0, ${emb.inputDim}, size=${pyTuple(dims as number[])})` : `np.random.rand(${dims.join(', ')}).astype("float32")`;
  lines.push('', '', 'if __name__ == "__main__":', '    model = build_model()');
  if (withWeights) lines.push('    # load_weights(model, "weights-file")  # the source framework\'s saved weights');
  lines.push(`    x = ${demo}`, '    y = model(x)', '    print("output shape:", tuple(y.shape))', '    print("parameters:", model.count_params())', '');
  return { code: lines.join('\n'), className: 'build_model', applied };
}

function isExpression(code: string): boolean {
  return code.startsWith('=');
}

/**
 * A slice: a Cropping layer for a spatial axis of a feature map, else Keras 3's indexing of a
 * functional tensor (a GetItem operation, no Lambda), channels last like the neutral graph.
 */
function sliceCode(plan: Plan, n: PortNode, op: Extract<PortOp, { kind: 'slice' }>): string {
  const input = plan.graph.nodes[n.inputs[0]].shape ?? [];
  const rank = input.length;
  const size = input[op.axis];
  if (!op.index && rank >= 3 && rank <= 5 && op.axis >= 1 && op.axis <= rank - 2 && typeof size === 'number') {
    const before = new Array(rank - 2).fill(0);
    const after = [...before];
    before[op.axis - 1] = op.begin;
    after[op.axis - 1] = size - op.end;
    return `layers.Cropping${rank - 2}D(${pairsArg(rank - 2, before, after)})`;
  }
  return `=X[${sliceIndex(plan, n, op)}]`;
}

const KERAS_MERGE_LAYER: Record<MergeFn, string> = { mul: 'Multiply', sub: 'Subtract', avg: 'Average', max: 'Maximum', min: 'Minimum' };

/** Keras calls attention with (query, value) and a key only when it differs from the value; the neutral inputs are (query, key, value). */
function attentionArgs([q, k, v]: string[]): string {
  return k === v ? `${q}, ${v}` : `${q}, ${v}, key=${k}`;
}

/** Layers with weights keep a name, so load_weights can find them. */
function nameArg(plan: Plan, n: PortNode): string {
  return `, name='${plan.attr[n.id]}'`;
}

/** A channels-first source's data must be transposed once for Keras. */
function channelsLastNote(plan: Plan): string[] {
  const s = plan.graph.nodes[0].shape;
  if (plan.graph.inputLayout !== 'cf' || !s || s.length < 3) return [];
  const axes = [0, ...Array.from({ length: s.length - 2 }, (_, i) => i + 2), 1];
  return [`The source reads channels first; Keras layers read channels last: transpose the data once, x.transpose(${axes.join(', ')}).`];
}

function activationArg(plan: Plan, n: PortNode): string {
  const user = plan.consumers[n.id].find((c) => kerasFused(plan, c));
  if (user === undefined) return '';
  const op = plan.graph.nodes[user].op;
  return op.kind === 'act' ? `, activation='${KERAS_ACT_NAME[op.fn]}'` : '';
}

/** Keras' padding for explicit pads: 'same' when TensorFlow would pad exactly so, else 'valid' after a ZeroPadding layer (max pooling padded otherwise is a stub, see withTargetLimits). */
function kerasPadding(plan: Plan, n: PortNode, op: Extract<PortOp, { kind: 'conv' | 'pool' }>): { padding: string; pre: string | null } {
  if (!anyPad(op.padBefore, op.padAfter)) return { padding: 'valid', pre: null };
  const dilation = op.kind === 'conv' ? op.dilation : undefined;
  // Keras' 'same' average pooling leaves the padding out of the mean: right only for an average that does too.
  const countsPad = op.kind === 'pool' && op.mode === 'avg' && !excludesPad(op);
  if (!countsPad && tfSame(plan.graph, n, op.kernel, op.strides, op.padBefore, op.padAfter, dilation)) return { padding: 'same', pre: null };
  return { padding: 'valid', pre: zeroPadLayer(op.rank, op.padBefore, op.padAfter) };
}

function zeroPadLayer(rank: number, before: number[], after: number[]): string {
  return `layers.ZeroPadding${rank}D(${pairsArg(rank, before, after)})`;
}

/** ZeroPadding's and Cropping's argument: one int or (before, after) per axis. */
function pairsArg(rank: number, before: number[], after: number[]): string {
  const pairs = before.map((b, i) => (b === after[i] ? String(b) : pyTuple([b, after[i]])));
  return rank === 1 ? (asymmetric(before, after) ? pyTuple([before[0], after[0]]) : String(before[0])) : pyTuple(pairs);
}

/** Keras' Conv*DTranspose for a node whose crops the layer does itself (see splitTransposeCrops). */
function transposeLayer(plan: Plan, n: PortNode, op: Extract<PortOp, { kind: 'convT' }>): string {
  const args = [String(op.filters), pySize(op.kernel)];
  if (op.strides.some((s) => s !== 1)) args.push(`strides=${pySize(op.strides)}`);
  if (kerasTransposePadding(plan.graph, n, op) === 'same') args.push("padding='same'");
  // 'valid' without output_padding extends a kernel smaller than the stride to in * stride: say what is meant.
  else if (op.cropAfter.some((a, i) => a !== 0 || op.kernel[i] < op.strides[i])) args.push(`output_padding=${pySize(op.cropAfter.map((a) => -a))}`);
  if (op.dilation.some((d) => d !== 1)) args.push(`dilation_rate=${pySize(op.dilation)}`);
  if (!op.bias) args.push('use_bias=False');
  return `layers.Conv${op.rank}DTranspose(${args.join(', ')}${activationArg(plan, n)}${nameArg(plan, n)})`;
}

function depthwiseLayer(plan: Plan, n: PortNode, op: Extract<PortOp, { kind: 'conv' }>, padding: string): string {
  const args = [pySize(op.kernel)];
  if (op.strides.some((s) => s !== 1)) args.push(`strides=${pySize(op.strides)}`);
  if (padding === 'same') args.push("padding='same'");
  if (op.filters !== op.inChannels) args.push(`depth_multiplier=${op.filters / op.inChannels}`);
  if (op.dilation.some((d) => d !== 1)) args.push(`dilation_rate=${pySize(op.dilation)}`);
  if (!op.bias) args.push('use_bias=False');
  return `layers.DepthwiseConv${op.rank}D(${args.join(', ')}${activationArg(plan, n)}${nameArg(plan, n)})`;
}

/** PReLU sharing its slopes over every axis but the channels (or over all of them for one slope). */
function preluLayer(plan: Plan, n: PortNode, channels: number): string {
  const rank = n.shape?.length ?? 2;
  const shared = Array.from({ length: channels === 1 ? rank - 1 : rank - 2 }, (_, i) => i + 1);
  const args = [...(shared.length ? [`shared_axes=[${shared.join(', ')}]`] : []), ...(plan.graph.source === 'keras' ? [] : ['alpha_initializer=keras.initializers.Constant(0.25)'])];
  return `layers.PReLU(${args.join(', ')}${nameArg(plan, n).replace(/^, /, args.length ? ', ' : '')})`;
}

function kerasLayers(plan: Plan, n: PortNode): string[] {
  const op = n.op;
  switch (op.kind) {
    case 'conv': case 'pool': {
      const pad = kerasPadding(plan, n, op);
      const pre = pad.pre ? [pad.pre] : [];
      if (op.kind === 'pool') {
        const args = [pySize(op.kernel)];
        if (op.strides.some((s, i) => s !== op.kernel[i])) args.push(`strides=${pySize(op.strides)}`);
        if (pad.padding === 'same') args.push("padding='same'");
        return [...pre, `layers.${op.mode === 'max' ? 'Max' : 'Average'}Pooling${op.rank}D(${args.join(', ')})`];
      }
      if (isDepthwise(op)) return [...pre, depthwiseLayer(plan, n, op, pad.padding)];
      const args = [String(op.filters), pySize(op.kernel)];
      if (op.strides.some((s) => s !== 1)) args.push(`strides=${pySize(op.strides)}`);
      if (pad.padding === 'same') args.push("padding='same'");
      if (op.dilation.some((d) => d !== 1)) args.push(`dilation_rate=${pySize(op.dilation)}`);
      if (op.groups !== 1) args.push(`groups=${op.groups}`);
      if (!op.bias) args.push('use_bias=False');
      return [...pre, `layers.Conv${op.rank}D(${args.join(', ')}${activationArg(plan, n)}${nameArg(plan, n)})`];
    }
    case 'convT':
      return [transposeLayer(plan, n, op)];
    case 'upsample':
      return [`layers.UpSampling${op.rank}D(${op.rank === 1 ? op.scale[0] : pyTuple(op.scale)}${op.mode === 'bilinear' ? ", interpolation='bilinear'" : ''})`];
    case 'crop':
      return [`layers.Cropping${op.rank}D(${pairsArg(op.rank, op.before, op.after)})`];
    case 'layernorm':
      return [`layers.LayerNormalization(epsilon=${op.eps}${op.affine ? '' : ', center=False, scale=False'}${nameArg(plan, n)})`];
    case 'mha':
      return [`layers.MultiHeadAttention(num_heads=${op.heads}, key_dim=${op.embed / op.heads}${op.dropout ? `, dropout=${op.dropout}` : ''}${op.bias ? '' : ', use_bias=False'}${nameArg(plan, n)})`];
    case 'prelu':
      return [preluLayer(plan, n, op.channels)];
    case 'groupnorm':
      return [`layers.GroupNormalization(groups=${op.groups}, epsilon=${op.eps}${op.affine ? '' : ', center=False, scale=False'}${nameArg(plan, n)})`];
    case 'merge':
      return [`layers.${KERAS_MERGE_LAYER[op.fn]}()`];
    case 'dense':
      return [`layers.Dense(${op.units}${op.bias ? '' : ', use_bias=False'}${activationArg(plan, n)}${nameArg(plan, n)})`];
    case 'gpool':
      return [`layers.Global${op.mode === 'max' ? 'Max' : 'Average'}Pooling${op.rank}D()`];
    case 'flatten': {
      const axes = flattenReorder(plan, n);
      return [...(axes ? [`layers.Permute(${pyTuple(axes.slice(1))})`] : []), 'layers.Flatten()'];
    }
    case 'dropout':
      return [op.spatial ? `layers.SpatialDropout${op.spatial}D(${op.rate})` : `layers.Dropout(${op.rate})`];
    case 'bn':
      return [`layers.BatchNormalization(momentum=${op.momentum}, epsilon=${op.eps}${op.affine ? '' : ', center=False, scale=False'}${nameArg(plan, n)})`];
    case 'act':
      if (op.fn === 'leaky_relu') return [`layers.LeakyReLU(negative_slope=${op.alpha})`];
      return [`layers.Activation('${KERAS_ACT_NAME[op.fn]}')`];
    case 'zeropad':
      return [zeroPadLayer(op.rank, op.before, op.after)];
    case 'reshape':
      return [`layers.Reshape(${pyTuple(op.target)})`];
    case 'permute':
      return [`layers.Permute(${pyTuple(op.dims)})`];
    case 'embedding':
      return [`layers.Embedding(${op.inputDim}, ${op.outputDim}${nameArg(plan, n)})`];
    case 'rnn':
      return kerasRecurrent(op, plan.attr[n.id]);
    case 'concat':
      return [`layers.Concatenate(axis=${op.axis === (n.shape?.length ?? 0) - 1 ? -1 : op.axis})`];
    case 'add':
      return ['layers.Add()'];
    case 'repeat':
      return [`layers.RepeatVector(${op.times})`];
    case 'slice':
      return [sliceCode(plan, n, op)];
    case 'stub':
      return [`NotPorted_${plan.attr[n.id]}()`];
    default:
      return [];
  }
}

/** The Keras layer name of a recurrent op's layer `l` (one layer per stacked layer). */
export function kerasRnnName(op: RnnOp, attr: string, l: number): string {
  return op.layers === 1 ? attr : `${attr}_l${l}`;
}

/** One Keras layer per stacked layer, every one but the last returning every step; Bidirectional when the source is. */
function kerasRecurrent(op: RnnOp, attr: string): string[] {
  const cls = op.cell === 'lstm' ? 'LSTM' : op.cell === 'gru' ? 'GRU' : 'SimpleRNN';
  const out: string[] = [];
  for (let l = 0; l < op.layers; l++) {
    const seq = l < op.layers - 1 || op.returnSequences;
    // Only the first stacked layer reads the flipped input; the next ones read its (reversed) steps in order.
    const backwards = l === 0 && op.goBackwards ? ', go_backwards=True' : '';
    const inner = `layers.${cls}(${op.units}${seq ? ', return_sequences=True' : ''}${op.bias ? '' : ', use_bias=False'}${op.resetBefore ? ', reset_after=False' : ''}${backwards}`;
    const name = `, name='${kerasRnnName(op, attr, l)}'`;
    out.push(op.bidirectional ? `layers.Bidirectional(${inner})${op.merge === 'concat' ? '' : `, merge_mode='${op.merge}'`}${name})` : `${inner}${name})`);
    if (l < op.layers - 1 && op.dropout > 0) out.push(`layers.Dropout(${op.dropout})`);
  }
  return out;
}

function kerasComments(plan: Plan, n: PortNode): string[] {
  return n.op.kind === 'conv' ? [...catalogueNotes(plan, n, 'Keras'), ...differences(plan, n)] : differences(plan, n);
}

function differences(plan: Plan, n: PortNode): string[] {
  const op = n.op;
  switch (op.kind) {
    case 'conv': case 'pool':
      if (!anyPad(op.padBefore, op.padAfter) || plan.graph.source === 'keras') return [];
      return [`${origin(n)} pads ${pyTuple(op.padBefore)} before, ${pyTuple(op.padAfter)} after.`];
    case 'flatten':
      return flattenNote(plan, n, 'Keras');
    case 'bn':
      return plan.graph.source === 'torch' ? [`PyTorch momentum ${Math.round((1 - op.momentum) * 1e9) / 1e9} (share of the new batch) is Keras momentum ${op.momentum}.`] : [];
    case 'act':
      return op.fn === 'softmax' && !kerasFused(plan, n.id) ? softmaxNote('a from_logits=True loss') : [];
    case 'rnn': {
      const lines = op.cell === 'gru' || !op.bias ? [] : [`Keras ${op.cell.toUpperCase()} has one bias per gate where the source has two: load_weights sums them.`];
      if (op.layers > 1) lines.push(`The source's num_layers=${op.layers}: one Keras layer each${op.dropout > 0 ? `, with its dropout=${op.dropout} between them` : ''}.`);
      if (op.goBackwards) lines.push('go_backwards=True reads the steps last to first and returns them in that order, like the flip before the source\'s layer.');
      return [...lines, ...op.notes.map((x) => `${x}.`)];
    }
    case 'stub':
      return [`NOT PORTED: ${origin(n)}: ${op.reason}.`, `It must map ${shapeText(targetShape(plan, n.inputs[0]))} to ${shapeText(targetShape(plan, n.id))}.`];
    default:
      return plan.graph.source === 'keras' ? [] : catalogueNotes(plan, n, 'Keras');
  }
}

function stubClass(plan: Plan, n: PortNode): string[] {
  const name = `NotPorted_${plan.attr[n.id]}`;
  return ['', '', `class ${name}(layers.Layer):`, `    """NOT PORTED: ${origin(n)}. Must return shape ${shapeText(targetShape(plan, n.id))}."""`, '',
    '    def call(self, x):', `        raise NotImplementedError("shapelint port: write ${n.type} '${n.name}' here")`];
}
