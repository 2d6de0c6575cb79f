/** What the writers share: variable names, layout conversions and the comments that explain differences. */
import { shapeText, toChannelsFirst, type Layout, type PortGraph, type PortNode, type PortOp, type RnnOp } from './ir';
import { asymmetric, isDepthwise, origin, pyTuple, targetShape, type Plan } from './plan';

export interface Written {
  code: string;
  className: string;
  /** The node each layer object applied in the port stands for, in order; -1 for a helper layer (Keras' ZeroPadding before a 'valid' conv). */
  applied: number[];
}

/** The source framework as the port's docstring names it. */
export function sourceName(g: PortGraph): string {
  return g.symbolic ? 'MXNet symbol graph' : g.source === 'keras' ? 'Keras' : g.source === 'torch' ? 'PyTorch' : 'Gluon';
}

/** Variable names in forward: `x` all along a plain chain, one name per node in a graph. */
export function writerVars(plan: Plan): { of(id: number): string; def(id: number): string; converted(id: number, k: number, user: number): string } {
  const name = (id: number) => (plan.chain || id === 0 ? 'x' : `x${id}`);
  return {
    of: name,
    def: name,
    converted: (id, _k, user) => (plan.chain ? 'x' : `x${id}_${user}`),
  };
}

/** The expression (with `X` for the tensor) that brings node `from`'s output into `want`, or null. */
export function layoutConversion(plan: Plan, from: number, want: Layout | 'any', fw: 'torch' | 'gluon'): string | null {
  const have = plan.layout[from];
  const rank = plan.graph.nodes[from].shape?.length ?? 0;
  if (want === 'any' || want === have || rank < 3) return null;
  const axes = want === 'cf' ? [0, rank - 1, ...range(1, rank - 1)] : [0, ...range(2, rank), 1];
  if (fw === 'torch') return rank === 3 ? 'X.transpose(1, 2)' : `X.permute(${axes.join(', ')})`;
  return `F.transpose(X, axes=${pyTuple(axes)})`;
}

function range(a: number, b: number): number[] {
  return Array.from({ length: b - a }, (_, i) => a + i);
}

/** The note at the top of forward when the model reads channels-first data the source fed channels-last. */
export function channelsFirstNote(plan: Plan, target: string, how: string): string[] {
  const src = plan.graph.nodes[0].shape;
  if (plan.layout[0] !== 'cf' || plan.graph.inputLayout !== 'cl' || !src) return [];
  const rank = src.length;
  const axes = [0, rank - 1, ...range(1, rank - 1)];
  const transposed = how === 'x.permute' ? `x.permute(${axes.join(', ')})` : `x.transpose(${pyTuple(axes)})`;
  return [
    `x: ${shapeText(toChannelsFirst(src))}, channels first. The source read ${shapeText(src)} (channels last),`,
    `${target} convolutions read channels first: transpose the data once, ${transposed}.`,
  ];
}

/** Why an average pool that leaves its padding out is written as it is. */
export function excludePadNote(from: string, op: Extract<PortOp, { kind: 'pool' }>, target: string): string[] {
  const why = `${from}: the average leaves the padding out (each window divided by its cells inside the input)`;
  if (!asymmetric(op.padBefore, op.padAfter)) return [`${why}: count_include_pad=False.`];
  return [`${why}, and pads (before, after) = ${op.padBefore.map((b, i) => `(${b}, ${op.padAfter[i]})`).join(", ")} per spatial axis.`,
    `${target} pads symmetrically only: pad explicitly, then divide by each window's count of real cells (the pooled padded ones).`];
}

/** The feature order a Flatten hands on, when the source flattened the other layout. */
export function flattenNote(plan: Plan, n: PortNode, target: string): string[] {
  if (n.op.kind !== 'flatten') return [];
  const inRank = plan.graph.nodes[n.inputs[0]].shape?.length ?? 0;
  const here = plan.layout[n.inputs[0]];
  if (inRank < 3 || here === n.op.order) return [];
  const next = nextWeighted(plan, n.id);
  const order = (l: Layout) => (l === 'cf' ? '(C, H, W)' : '(H, W, C)');
  return [
    `${target} flattens ${order(here)}, the source flattened ${order(n.op.order)}: same features, another order.`,
    next ? `Trained weights of the next layer need their rows reordered (load_weights does it).` : "No dense layer follows whose weights could absorb the order: the axes move to the source's order first.",
  ];
}

/**
 * The axes (batch first) that bring a Flatten's input into the order the source flattened,
 * when the orders differ and no dense layer follows whose rows load_weights reorders; else null.
 */
export function flattenReorder(plan: Plan, n: PortNode): number[] | null {
  if (n.op.kind !== 'flatten') return null;
  const rank = plan.graph.nodes[n.inputs[0]].shape?.length ?? 0;
  const here = plan.layout[n.inputs[0]];
  if (rank < 3 || here === n.op.order || nextWeighted(plan, n.id)) return null;
  return here === 'cf' ? [0, ...range(2, rank), 1] : [0, rank - 1, ...range(1, rank - 1)];
}

/** The next node with weights after `id`, through nodes that keep the feature order (dropout, activations). */
export function nextWeighted(plan: Plan, id: number): PortNode | null {
  let cur = id;
  for (;;) {
    const users = plan.consumers[cur];
    if (users.length !== 1) return null;
    const n = plan.graph.nodes[users[0]];
    if (n.op.kind === 'dense') return n;
    if (n.op.kind !== 'dropout' && n.op.kind !== 'act' && n.op.kind !== 'flatten') return null;
    cur = n.id;
  }
}

export function softmaxNote(loss: string): string[] {
  return [`The source applies softmax in the model. To train with ${loss}, which`, 'takes logits and applies log-softmax itself, return the line before this one.'];
}

export function rnnNote(op: RnnOp, target: string, plan: Plan): string[] {
  const gates = op.cell === 'lstm' ? 'gates i, f, g(c), o in the same order as Keras'
    : op.resetBefore ? "the explicit GRUResetBefore cell above, in Keras' gate order z, r, h"
    : op.cell === 'gru' ? "gates r, z, n (Keras: z, r, h), cuDNN-style like Keras' reset_after=True"
    : 'a tanh cell';
  const layers = op.layers * (op.bidirectional ? 2 : 1);
  const bias = op.cell === 'gru' || !op.bias ? '' : `; two biases (input and hidden) where Keras has one: +${(op.cell === 'lstm' ? 4 : 1) * op.units * layers} parameters, same function with the hidden bias 0`;
  const layout = op.resetBefore ? '(batch, time, features)' : plan.timeMajor ? `${target === 'Gluon' ? "layout='TNC'" : 'batch_first=False'} (time, batch, features), time-major like the source`
    : `${target === 'Gluon' ? "layout='NTC'" : 'batch_first=True'} (batch, time, features)`;
  const lines = [`${target} ${op.cell.toUpperCase()}: ${layout}; ${gates}${bias}.`];
  if (op.resetBefore) {
    lines.push(
      "GRU(reset_after=False) (Keras 2's default) scales the state by the reset gate before the",
      'recurrent matmul, candidate = tanh(W_h x + b_h + U_h (r * h)); PyTorch\'s and Gluon\'s GRU (like',
      "reset_after=True) after it, tanh(W_h x + b_ih + r * (U_h h + b_hh)): not the same function, so the cell is explicit code.",
    );
  }
  // A flip in a PyTorch or Gluon source carries its own note (read.ts); Keras' go_backwards is explained here.
  if (op.goBackwards && plan.graph.source === 'keras') {
    lines.push('go_backwards=True: Keras reads the steps last to first and returns them in that (reversed)',
      `order${op.returnSequences ? '' : '; the last output is the state after step 0'}: flipping the time axis before the layer does the same.`);
  }
  if (op.layers > 1) lines.push(`num_layers=${op.layers}: Keras writes this as ${op.layers} stacked layers, each returning every step.`);
  if (op.bidirectional) lines.push(`bidirectional: the output holds the forward ${op.units} features, then the backward ${op.units}.`);
  if (op.dropout > 0) lines.push(`dropout=${op.dropout} between stacked layers, in training only.`);
  return [...lines, ...op.notes.map((n) => `${n}.`)];
}

/** go_backwards: the time axis flipped before a PyTorch or Gluon recurrent module (axis 0 in a time-major port). */
export function rnnInputLines(plan: Plan, op: RnnOp, x: string, fw: 'torch' | 'gluon'): string[] {
  if (!op.goBackwards) return [];
  return [`${x} = ${reverseExpr(plan, x, fw)}`];
}

/** The time axis of a sequence reversed. */
export function reverseExpr(plan: Plan, x: string, fw: 'torch' | 'gluon'): string {
  const time = plan.timeMajor ? 0 : 1;
  return fw === 'torch' ? `torch.flip(${x}, dims=[${time}])` : `F.reverse(${x}, axis=${time})`;
}

/** The note at the top of the port of a time-major source: PyTorch and Gluon stay time-major; Keras is batch-major, the data is transposed once. */
export function timeMajorNote(plan: Plan): string[] {
  const s = plan.graph.nodes[0].shape;
  if (!plan.graph.timeMajor || !s) return [];
  if (plan.timeMajor) return [`x: ${shapeText(targetShape(plan, 0))}, (time, batch, ...): time-major like the source.`];
  const swap = s.length === 2 ? 'x.T' : `x.transpose(1, 0${s.slice(2).map((_, i) => `, ${i + 2}`).join('')})`;
  return [
    `The source is time-major: it reads ${shapeText([s[1], s[0], ...s.slice(2)])} (time, batch, ...). Keras' recurrent`,
    `layers are batch-major only (Keras 3 has no time_major): this model reads ${shapeText(s)},`,
    `so transpose the data once, ${swap}, and its output back the same way.`,
  ];
}

/**
 * Lines after a PyTorch or Gluon recurrent module (whose output `out` holds every step, both
 * directions concatenated) that give the source's output: the last step, Keras' merge modes.
 */
export function rnnOutputLines(op: RnnOp, out: string, fw: 'torch' | 'gluon'): string[] {
  const h = op.units;
  if (!op.bidirectional) {
    return op.returnSequences ? [] : [`${out} = ${pick(fw, out, '-1', null)}  # return_sequences=False: the last step`];
  }
  if (op.returnSequences && op.merge === 'concat') return [];
  const fwd = pick(fw, out, op.returnSequences ? null : '-1', [0, h]);
  const bwd = pick(fw, out, op.returnSequences ? null : '0', [h, null]);
  const why = op.returnSequences ? [] : ["# return_sequences=False: the forward direction ends at the last step, the backward one at step 0."];
  const merged = op.merge === 'concat' ? (fw === 'torch' ? 'torch.cat([forward, backward], dim=-1)' : 'F.concat(forward, backward, dim=-1)')
    : op.merge === 'sum' ? 'forward + backward' : op.merge === 'mul' ? 'forward * backward' : '(forward + backward) / 2';
  const how = op.merge === 'concat' ? [] : [`# merge_mode='${op.merge}': the two directions' ${h} features combined.`];
  return [...why, ...how, `forward = ${fwd}`, `backward = ${bwd}`, `${out} = ${merged}`];
}

/** One step (`-1` or `0`, or every step: null) and a feature range of a (batch, time, features) tensor. */
function pick(fw: 'torch' | 'gluon', x: string, step: '-1' | '0' | null, features: [number, number | null] | null): string {
  if (fw === 'torch') {
    const f = features ? `${features[0] || ''}:${features[1] ?? ''}` : null;
    if (step === null) return `${x}[..., ${f}]`;
    return f ? `${x}[:, ${step}, ${f}]` : `${x}[:, ${step}]`;
  }
  let e = x;
  if (step !== null) e = `F.squeeze(F.slice_axis(${e}, axis=1, begin=${step}, end=${step === '0' ? 1 : 'None'}), axis=1)`;
  if (features) e = `F.slice_axis(${e}, axis=-1, begin=${features[0]}, end=${features[1] ?? 'None'})`;
  return e;
}

/** The marker lines above a stub: what it was, why it is not ported, the shapes it must produce. */
export function stubLines(plan: Plan, n: PortNode, _fw: string): string[] {
  if (n.op.kind !== 'stub') return [];
  const inShape = targetShape(plan, n.inputs[0]);
  return [
    `NOT PORTED: ${origin(n)}: ${n.op.reason}.`,
    `It must map ${shapeText(inShape)} to ${shapeText(targetShape(plan, n.id))}.`,
  ].map((l) => `# ${l}`);
}

/** Comments for the layers beyond the basic CNN/RNN set, where the frameworks differ. */
export function catalogueNotes(plan: Plan, n: PortNode, target: 'PyTorch' | 'Gluon' | 'Keras'): string[] {
  const op = n.op;
  const from = origin(n);
  const firstOnly = target === 'Keras' ? 'Keras' : 'PyTorch and Gluon';
  switch (op.kind) {
    case 'convT': {
      const how = target === 'Keras'
        ? "Keras' 'same' crops like TensorFlow, 'valid' crops nothing and output_padding extends the end"
        : `${target}'s padding crops both ends and output_padding gives some back at the end`;
      const dilated = op.dilation.some((d) => d !== 1);
      const span = dilated ? `dilation * (kernel - 1) + 1 with dilation ${pyTuple(op.dilation)}` : 'kernel';
      return [
        `${from}: a transposed convolution's full output ((in - 1) * stride + ${span}) is cropped ${cropWords(op.cropBefore, op.cropAfter)} here; ${how}.`,
        op.groups > 1
          ? `groups=${op.groups}: each group of ${op.inChannels / op.groups} input channels makes ${op.filters / op.groups} outputs; PyTorch and Gluon kernels are (in, out / groups, *kernel), copied as they are.`
          : 'Kernels: Keras (*kernel, out, in), PyTorch and Gluon (in, out, *kernel); load_weights moves the axes.',
      ];
    }
    case 'crop':
      return /Transpose/i.test(n.type) ? [`The rest of ${from}'s crop, which the ${target} layer cannot do itself.`] : [];
    case 'upsample':
      if (op.mode === 'bilinear') return bilinearNote(from, op.alignCorners === true, target);
      return target === 'Gluon'
        ? ['Gluon 1.x has no upsampling block: F.repeat along each spatial axis is nearest upsampling by a whole factor (F.UpSampling does it only for one factor on every axis).']
        : [`${from}: nearest upsampling by ${pyTuple(op.scale)}: every pixel repeated.`];
    case 'dropout':
      return op.spatial ? [`${from}: spatial dropout, whole channels dropped in training (one mask per channel); the identity at inference.`] : [];
    case 'groupnorm':
      return [
        `${from}: ${op.groups === op.channels ? 'one channel per group, which is instance normalisation (statistics per sample and channel)' : `${op.groups} groups of consecutive channels in every framework`}; epsilon ${op.eps} kept from the source (defaults: Keras 1e-3, PyTorch and Gluon 1e-5).`,
        ...groupNormGluonNote(op, target, plan.graph.source === 'gluon'),
      ];
    case 'layernorm':
      return [`${from}: epsilon ${op.eps} kept from the source (defaults: Keras 1e-3, PyTorch and Gluon 1e-5); normalises the last axis${(n.shape?.length ?? 0) >= 3 ? ', the channels' : ''}.`];
    case 'mha':
      return [
        target === 'Keras'
          ? "Keras' MultiHeadAttention is called (query, value, key); PyTorch's (query, key, value)."
          : "batch_first=True reads (batch, time, features) like Keras; PyTorch's call is (query, key, value), Keras' (query, value, key).",
        `Heads split the ${op.embed} features into ${op.heads} of ${op.embed / op.heads}; load_weights ${target === 'Keras' ? 'splits PyTorch\'s in_proj_weight into' : 'joins Keras\''} query/key/value projections.`,
      ];
    case 'prelu':
      return [`${from}: ${op.channels === 1 ? 'one slope shared by all channels' : 'one slope per channel'}; ${firstOnly === 'Keras' ? 'alpha_initializer keeps PyTorch and Gluon\'s starting slope 0.25 (Keras starts at 0)' : 'PyTorch and Gluon start the slopes at 0.25, Keras at 0'}.`];
    case 'conv':
      if (n.part === 'affine') return [`${from}'s scale and offset per channel: MXNet 1.x's GroupNorm has them per group, so it normalises without them (center=False, scale=False) and this 1x1 convolution with a group per channel (weight = gamma, bias = beta) applies them.`];
      if (n.part === 'depthwise') return [`${from} is a depthwise convolution (one group per input channel, no bias), then a 1x1 pointwise one.`];
      return target === 'Keras' && isDepthwise(op) ? [`${from}: groups = in_channels, a depthwise convolution (depth_multiplier ${op.filters / op.inChannels}).`] : [];
    default:
      return [];
  }
}

function bilinearNote(from: string, corners: boolean, target: string): string[] {
  const how = corners
    ? `${from}: bilinear with align_corners=True (corner pixels onto corner pixels: source = output index * (in - 1) / (out - 1)).`
    : `${from}: bilinear with half-pixel centres (TensorFlow's resize, PyTorch's align_corners=False).`;
  if (target !== 'Gluon') return [how];
  return [how, "MXNet 1.6+'s BilinearResize2D: scale_height and scale_width together, and align_corners given (its default is True)."];
}

/** What differs in Gluon's gamma and beta, ported to or from Gluon. */
function groupNormGluonNote(op: Extract<PortOp, { kind: 'groupnorm' }>, target: string, fromGluon: boolean): string[] {
  const instance = op.groups === op.channels;
  if (target === 'Gluon') {
    if (!op.affine) return ['Gluon always has gamma and beta; center=False, scale=False keep them at 1 and 0 (not trained), so they count as parameters here.'];
    return instance ? ["Gluon's InstanceNorm defaults to scale=False (gamma fixed at 1); scale=True learns it like the source."] : [];
  }
  if (!fromGluon) return [];
  if (!op.affine) return [`Gluon's center=False, scale=False keep gamma and beta at 1 and 0 (${2 * op.groups} fixed parameters); ${target}'s layer has none.`];
  if (instance) return ["Gluon's InstanceNorm (default scale=False) keeps gamma fixed at 1 and learns beta; here both are learned, and load_weights copies both."];
  return [`MXNet 1.x's GroupNorm (MXNet 1.6+) has one gamma and beta per group, ${target} one per channel: ${2 * op.groups} parameters become ${2 * op.channels}, load_weights repeats each group's over its channels.`];
}

function cropWords(before: number[], after: number[]): string {
  return `(start, end) = ${before.map((b, i) => `(${b}, ${after[i]})`).join(', ')} per axis`;
}
