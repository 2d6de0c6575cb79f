/** What the writers share: variable names, layout conversions and the comments that explain differences. */
import { shapeText, toChannelsFirst, type Layout, type PortNode, type PortOp } from './ir';
import { isDepthwise, origin, pyTuple, targetShape, type Plan } from './plan';

export interface Written {
  code: string;
  className: string;
  /** The node each layer object applied in the port stands for, in order; -1 for a helper layer (Keras' ZeroPadding before a 'valid' conv). */
  applied: number[];
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

export function rnnNote(op: Extract<PortOp, { kind: 'rnn' }>, target: string, layoutWords: string): string[] {
  const gates = op.cell === 'lstm' ? 'gates i, f, g(c), o in the same order as Keras'
    : op.cell === 'gru' ? "gates r, z, n (Keras: z, r, h), cuDNN-style like Keras' reset_after=True"
    : 'a tanh cell';
  const bias = op.cell === 'gru' ? '' : `; two biases (input and hidden) where Keras has one: +${(op.cell === 'lstm' ? 4 : 1) * op.units} parameters, same function with the hidden bias 0`;
  return [`${target} ${op.cell.toUpperCase()}: ${layoutWords} (batch, time, features); ${gates}${bias}.`];
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
      return [
        `${from}: a transposed convolution's full output ((in - 1) * stride + kernel) is cropped ${cropWords(op.cropBefore, op.cropAfter)} here; ${how}.`,
        'Kernels: Keras (*kernel, out, in), PyTorch and Gluon (in, out, *kernel); load_weights moves the axes.',
      ];
    }
    case 'crop':
      return /Transpose/i.test(n.type) ? [`The rest of ${from}'s crop, which the ${target} layer cannot do itself.`] : [];
    case 'upsample':
      if (op.mode === 'bilinear') return [`${from}: bilinear with half-pixel centres (TensorFlow's resize, PyTorch's align_corners=False).`];
      return target === 'Gluon'
        ? ['Gluon 1.x has no upsampling block: F.repeat along each spatial axis is nearest upsampling by a whole factor (F.UpSampling does it only for one factor on every axis).']
        : [`${from}: nearest upsampling by ${pyTuple(op.scale)}: every pixel repeated.`];
    case 'groupnorm':
      return [`${from}: ${op.groups} groups of consecutive channels in every framework; epsilon ${op.eps} kept from the source (defaults: Keras 1e-3, PyTorch 1e-5).`];
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
      if (n.part === 'depthwise') return [`${from} is a depthwise convolution (one group per input channel, no bias), then a 1x1 pointwise one.`];
      return target === 'Keras' && isDepthwise(op) ? [`${from}: groups = in_channels, a depthwise convolution (depth_multiplier ${op.filters / op.inChannels}).`] : [];
    default:
      return [];
  }
}

function cropWords(before: number[], after: number[]): string {
  return `(start, end) = ${before.map((b, i) => `(${b}, ${after[i]})`).join(', ')} per axis`;
}
