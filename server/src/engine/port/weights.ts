/**
 * `--with-weights`: Python that loads the source framework's saved weights and converts them for
 * the port. The source's arrays are first brought into one neutral form (Keras' layouts: kernels
 * HWIO, dense kernels (in, out), recurrent kernels (in, gates*units) in Keras' gate order, and
 * separate input and recurrent biases), then written in the target's layouts. Conversions that
 * change the numbers' arrangement (kernel axes, dense transposes, the Flatten row order,
 * recurrent gate order) each carry a comment.
 */
import type { PortFramework, PortGraph, PortNode, RnnOp } from './ir';
import { kerasRnnName } from './write-keras';
import type { Plan } from './plan';

const INDENT = '    ';

const TORCH_COPY = [
  'def _copy(param, array):',
  `${INDENT}param.data.copy_(torch.from_numpy(array.copy()))`,
  '',
  '',
];

/** Gluon names parameters with the block's prefix: find one by its own name. */
const GLUON_PARAM = [
  'def _set(block, name, array):',
  `${INDENT}import mxnet as mx`,
  '',
  `${INDENT}params = block.collect_params().items()`,
  `${INDENT}param = next(p for key, p in params if key.endswith(name))`,
  `${INDENT}param.set_data(mx.nd.array(array))`,
  '',
  '',
];

/** Keras' recurrent weights in the neutral form; a GRU with reset_after=True stacks its two biases. */
const KERAS_RNN = [
  'def _from_keras_rnn(arrays):',
  `${INDENT}# [kernel, recurrent, bias?] -> [kernel, recurrent, input bias, recurrent bias]`,
  `${INDENT}import numpy as np`,
  '',
  `${INDENT}kernel, recurrent, *bias = arrays`,
  `${INDENT}zeros = np.zeros(recurrent.shape[1], "float32")`,
  `${INDENT}if not bias:`,
  `${INDENT}${INDENT}return [kernel, recurrent, zeros, zeros]`,
  `${INDENT}if bias[0].ndim == 2:`,
  `${INDENT}${INDENT}return [kernel, recurrent, bias[0][0], bias[0][1]]`,
  `${INDENT}return [kernel, recurrent, bias[0], zeros]`,
  '',
  '',
];

const KERAS_ASSIGN = [
  'def _assign(model, name, arrays):',
  `${INDENT}model.get_layer(name).set_weights(arrays)`,
  '',
  '',
];

export function weightLoader(plan: Plan, to: PortFramework): string {
  const g = plan.graph;
  const weighted = g.nodes.filter((n) => ['conv', 'dense', 'bn', 'embedding', 'rnn'].includes(n.op.kind));
  const body: string[] = [...readSource(g, weighted), 'w = {}  # layer name -> arrays in the neutral (Keras) layouts'];
  for (const n of weighted) body.push(...readNode(g, n));
  body.push('');
  for (const n of weighted) body.push(...reorderFlatten(plan, n), ...writeNode(plan, n, to));
  const arg = to === 'gluon' ? 'net' : 'model';
  const from = g.source === 'keras' ? "a saved Keras model (.keras or .h5)" : g.source === 'torch' ? 'a saved PyTorch state_dict (torch.save(model.state_dict(), path))' : 'saved Gluon parameters (.params, net.save_parameters)';
  return [
    '',
    '',
    ...(g.source === 'keras' && weighted.some((n) => n.op.kind === 'rnn') ? KERAS_RNN : []),
    'def _swap_first_gates(a):',
    `${INDENT}"""GRU gates: Keras (z, r, h) <-> PyTorch and MXNet (r, z, n)."""`,
    `${INDENT}import numpy as np`,
    '',
    `${INDENT}z, r, h = np.split(a, 3, axis=-1)`,
    `${INDENT}return np.concatenate([r, z, h], axis=-1)`,
    '',
    '',
    ...(to === 'gluon' ? GLUON_PARAM : to === 'torch' ? TORCH_COPY : KERAS_ASSIGN),
    `def load_weights(${arg}, path):`,
    `${INDENT}"""Copies the weights at path into this port, converted.`,
    '',
    `${INDENT}path: ${from}.`,
    `${INDENT}"""`,
    `${INDENT}import numpy as np`,
    ...(to === 'gluon' || g.source === 'gluon' ? [`${INDENT}import mxnet as mx`] : []),
    ...(to !== 'torch' && g.source === 'torch' ? [`${INDENT}import torch`] : []),
    '',
    ...body.map((l) => (l ? `${INDENT}${l}` : '')),
  ].join('\n');
}

/** Statements that define `src`: source layer name → the raw saved arrays. */
function readSource(g: PortGraph, weighted: PortNode[]): string[] {
  if (g.source === 'keras') {
    return [
      'import keras',
      'saved = keras.models.load_model(path, compile=False)',
      "# Keras numbers default layer names per process ('dense_3'): match by order.",
      'names = [',
      ...weighted.map((n) => `${INDENT}${JSON.stringify(n.name)},`),
      ']',
      'layers = [la for la in saved.layers if la.get_weights()]',
      'raw = {}',
      'for name, layer in zip(names, layers):',
      `${INDENT}raw[name] = [np.asarray(a) for a in layer.get_weights()]`,
    ];
  }
  if (g.source === 'torch') {
    return ['raw = {k: v.detach().cpu().numpy() for k, v in torch.load(path, map_location="cpu").items()}'];
  }
  return ['raw = {k: v.asnumpy() for k, v in mx.nd.load(path).items()}'];
}

function axes(xs: number[]): string {
  return xs.join(', ');
}

function seq(a: number, b: number): number[] {
  return Array.from({ length: b - a }, (_, i) => a + i);
}

/** `w[name] = [...]` in the neutral (Keras) layouts, from the raw source arrays. */
function readNode(g: PortGraph, n: PortNode): string[] {
  const key = JSON.stringify(n.name);
  const op = n.op;
  if (g.source === 'keras') {
    if (op.kind === 'rnn') {
      // A Bidirectional layer's weights: the forward layer's, then the backward layer's.
      const dirs = op.bidirectional ? 2 : 1;
      return [
        `per = len(raw[${key}]) // ${dirs}`,
        `w[${key}] = [[_from_keras_rnn(raw[${key}][d * per:(d + 1) * per]) for d in range(${dirs})]]`,
      ];
    }
    return [`w[${key}] = raw[${key}]`];
  }
  const p = (s: string) => `raw[${JSON.stringify(`${n.name}.${s}`)}]`;
  const gates = (x: string) => (op.kind === 'rnn' && op.cell === 'gru' ? `_swap_first_gates(${x})` : x);
  switch (op.kind) {
    case 'conv': {
      const r = op.rank;
      return [`# ${n.type} '${n.name}': (out, in, *kernel) → Keras (*kernel, in, out).`,
        `w[${key}] = [${p('weight')}.transpose(${axes([...seq(2, r + 2), 1, 0])})${op.bias ? `, ${p('bias')}` : ''}]`];
    }
    case 'dense':
      return [`w[${key}] = [${p('weight')}.T${op.bias ? `, ${p('bias')}` : ''}]`];
    case 'bn': {
      const names = g.source === 'torch' ? ['weight', 'bias', 'running_mean', 'running_var'] : ['gamma', 'beta', 'running_mean', 'running_var'];
      return [`w[${key}] = [${(op.affine ? names : names.slice(2)).map(p).join(', ')}]`];
    }
    case 'embedding':
      return [`w[${key}] = [${p('weight')}]`];
    case 'rnn': {
      // Per stacked layer, per direction: [kernel, recurrent kernel, input bias, recurrent bias].
      const lines = [`w[${key}] = []`];
      for (let l = 0; l < op.layers; l++) {
        const parts = directions(op).map((d) => {
          const [wi, wh, bi, bh] = rnnParamNames(g.source, l, d);
          const zeros = `np.zeros(${p(wi)}.shape[0], "float32")`;
          return `[${gates(`${p(wi)}.T`)}, ${gates(`${p(wh)}.T`)}, ${op.bias ? `${gates(p(bi))}, ${gates(p(bh))}` : `${zeros}, ${zeros}`}]`;
        });
        lines.push(`w[${key}].append([`, ...parts.map((x) => `${INDENT}${x},`), '])');
      }
      return lines;
    }
    default:
      return [];
  }
}

/** The Flatten before a dense layer hands its features on in the source's order; reorder the kernel's rows for the target's. */
function reorderFlatten(plan: Plan, n: PortNode): string[] {
  if (n.op.kind !== 'dense') return [];
  const nodes = plan.graph.nodes;
  let cur = nodes[n.inputs[0]];
  while (cur && (cur.op.kind === 'dropout' || cur.op.kind === 'act')) cur = nodes[cur.inputs[0]];
  if (!cur || cur.op.kind !== 'flatten') return [];
  const before = nodes[cur.inputs[0]].shape;
  const have = cur.op.order;
  const want = plan.layout[cur.inputs[0]];
  if (!before || before.length < 3 || have === want || !before.slice(1).every((d) => typeof d === 'number')) return [];
  const spatial = before.slice(1, -1) as number[];
  const c = before[before.length - 1] as number;
  const r = spatial.length;
  const key = JSON.stringify(n.name);
  const [dims, perm] = have === 'cl'
    ? [[...spatial, c], [r, ...seq(0, r), r + 1]]
    : [[c, ...spatial], [...seq(1, r + 1), 0, r + 1]];
  return [
    `# Flatten order: the source's rows are ${have === 'cl' ? '(H, W, C)' : '(C, H, W)'} features, the port's ${want === 'cl' ? '(H, W, C)' : '(C, H, W)'}.`,
    `kernel = w[${key}][0]`,
    `moved = kernel.reshape(${axes(dims)}, -1).transpose(${axes(perm)})`,
    `w[${key}][0] = moved.reshape(kernel.shape)`,
  ];
}

/** Statements that copy `w[name]` (neutral layouts) into the target model's layer. */
function writeNode(plan: Plan, n: PortNode, to: PortFramework): string[] {
  const key = JSON.stringify(n.name);
  const attr = plan.attr[n.id];
  const op = n.op;
  const arrays = `w[${key}]`;
  if (to === 'keras') {
    if (op.kind === 'rnn') {
      const both = op.bidirectional ? "; the forward layer's weights, then the backward one's" : '';
      const lines = [`# ${n.type} '${n.name}': ${op.cell === 'gru' ? 'input and recurrent biases stacked (reset_after=True)' : 'Keras has one bias: the sum of the input and recurrent biases'}${both}.`];
      for (let l = 0; l < op.layers; l++) {
        const one = (x: string) => {
          const bias = op.cell === 'gru' ? `np.stack([${x}[2], ${x}[3]])` : `${x}[2] + ${x}[3]`;
          return `${x}[0], ${x}[1]${op.bias ? `, ${bias}` : ''}`;
        };
        const all = directions(op).map((d) => one(`${arrays}[${l}][${d}]`)).join(', ');
        lines.push(`_assign(model, ${JSON.stringify(kerasRnnName(op, attr, l))}, [${all}])`);
      }
      return lines;
    }
    return [`_assign(model, ${JSON.stringify(attr)}, ${arrays})`];
  }
  const gates = (x: string) => (op.kind === 'rnn' && op.cell === 'gru' ? `_swap_first_gates(${x})` : x);
  const names = targetNames(op.kind, to, op.kind === 'bn' && !op.affine);
  let values: string[];
  switch (op.kind) {
    case 'conv': {
      const r = op.rank;
      values = [`${arrays}[0].transpose(${axes([r + 1, r, ...seq(0, r)])})`, ...(op.bias ? [`${arrays}[1]`] : [])];
      break;
    }
    case 'dense':
      values = [`${arrays}[0].T`, ...(op.bias ? [`${arrays}[1]`] : [])];
      break;
    case 'rnn': {
      const comment = op.cell === 'gru' ? `gates (z, r, h) → (r, z, n), transposed` : 'kernels transposed';
      const lines = [`# ${n.type} '${n.name}': ${comment}.`];
      for (let l = 0; l < op.layers; l++) {
        for (const d of directions(op)) {
          const x = `${arrays}[${l}][${d}]`;
          const names = rnnParamNames(to, l, d);
          const vals = [`${gates(`${x}[0]`)}.T`, `${gates(`${x}[1]`)}.T`, ...(op.bias ? [gates(`${x}[2]`), gates(`${x}[3]`)] : [])];
          lines.push(...vals.map((v, i) => (to === 'torch' ? `_copy(model.${attr}.${names[i]}, ${v})` : `_set(net.${attr}, ${JSON.stringify(names[i])}, ${v})`)));
        }
      }
      return lines;
    }
    default:
      values = names.map((_, i) => `${arrays}[${i}]`);
  }
  const comment = op.kind === 'conv' ? [`# ${n.type} '${n.name}': Keras kernel (*kernel, in, out) → (out, in, *kernel).`]
    : op.kind === 'dense' ? [`# ${n.type} '${n.name}': (in, out) → (out, in).`] : [];
  if (to === 'torch') {
    return [...comment, ...values.map((v, i) => `_copy(model.${attr}.${names[i]}, ${v})`)];
  }
  return [...comment, ...values.map((v, i) => `_set(net.${attr}, ${JSON.stringify(names[i])}, ${v})`)];
}

function targetNames(kind: string, to: PortFramework, statsOnly: boolean): string[] {
  switch (kind) {
    case 'conv': case 'dense':
      return ['weight', 'bias'];
    case 'bn': {
      const all = to === 'torch' ? ['weight', 'bias', 'running_mean', 'running_var'] : ['gamma', 'beta', 'running_mean', 'running_var'];
      return statsOnly ? all.slice(2) : all;
    }
    case 'embedding':
      return ['weight'];
    default:
      return [];
  }
}

function directions(op: RnnOp): number[] {
  return op.bidirectional ? [0, 1] : [0];
}

/** A recurrent module's parameter names for stacked layer `l`, direction `d` (1: backward): input and recurrent weights, then biases. */
function rnnParamNames(fw: PortFramework, l: number, d: number): string[] {
  if (fw === 'torch') return ['weight_ih', 'weight_hh', 'bias_ih', 'bias_hh'].map((x) => `${x}_l${l}${d ? '_reverse' : ''}`);
  return ['i2h_weight', 'h2h_weight', 'i2h_bias', 'h2h_bias'].map((x) => `${d ? 'r' : 'l'}${l}_${x}`);
}
