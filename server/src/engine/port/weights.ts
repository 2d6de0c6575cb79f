/**
 * `--with-weights`: Python that loads the source framework's saved weights and converts them for
 * the port. The source's arrays are first brought into one neutral form (Keras' layouts: kernels
 * HWIO, dense kernels (in, out), recurrent kernels (in, gates*units) in Keras' gate order, and
 * separate input and recurrent biases), then written in the target's layouts. Conversions that
 * change the numbers' arrangement (kernel axes, dense transposes, the Flatten row order,
 * recurrent gate order) each carry a comment.
 */
import type { PortFramework, PortGraph, PortNode } from './ir';
import { kerasRnnName } from './write-keras';
import { isDepthwise, paramsIn, type Plan } from './plan';

const INDENT = '    ';

/**
 * A PyTorch port's weights are gathered under their state_dict keys (module path and parameter or
 * buffer name: `fc.weight`, `bn.running_mean`, `attention.out_proj.bias`) and loaded with
 * strict=True: a key the port has and the loader missed, or the reverse, fails loudly.
 */
const TORCH_LOAD_STATE = [
  '# Every parameter and buffer of the port, by its state_dict key: strict',
  '# loading fails on a missing or unexpected one.',
  'model.load_state_dict({k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in state.items()}, strict=True)',
];

/**
 * MXNet's NDArray list file (`mx.nd.save`, `mx.model.save_checkpoint`), read with numpy so that
 * MXNet need not be installed. The layout is NDArray::Save's (src/ndarray/ndarray.cc): a uint64
 * magic 0x112 and a reserved uint64; the arrays as a uint64 count, then each array's magic
 * (V2 0xF993FAC9, V3 0xF993FACA with NumPy shapes; V1 0xF993FAC8 and the older form that starts
 * with the rank lack the storage type), int32 storage type (0: dense), shape (int32 rank, int64
 * dims), context (int32 device type and id), int32 type flag, then the data; the names as a
 * uint64 count and each a uint64 length and its bytes.
 */
const MX_PARAMS_READER = [
  'def _read_mx_params(path):',
  `${INDENT}import struct`,
  '',
  `${INDENT}import numpy as np`,
  '',
  `${INDENT}dtypes = {0: "<f4", 1: "<f8", 2: "<f2", 3: "u1", 4: "<i4", 5: "i1", 6: "<i8"}`,
  `${INDENT}with open(path, "rb") as f:`,
  `${INDENT}${INDENT}data = f.read()`,
  `${INDENT}pos = 0`,
  '',
  `${INDENT}def take(fmt):`,
  `${INDENT}${INDENT}nonlocal pos`,
  `${INDENT}${INDENT}values = struct.unpack_from(fmt, data, pos)`,
  `${INDENT}${INDENT}pos += struct.calcsize(fmt)`,
  `${INDENT}${INDENT}return values`,
  '',
  `${INDENT}magic, _ = take("<QQ")`,
  `${INDENT}if magic != 0x112:`,
  `${INDENT}${INDENT}raise ValueError(f"{path}: not an MXNet NDArray file")`,
  `${INDENT}arrays = []`,
  `${INDENT}for _ in range(take("<Q")[0]):`,
  `${INDENT}${INDENT}magic, = take("<I")`,
  `${INDENT}${INDENT}if magic in (0xF993FAC9, 0xF993FACA):`,
  `${INDENT}${INDENT}${INDENT}if take("<i")[0] != 0:`,
  `${INDENT}${INDENT}${INDENT}${INDENT}raise ValueError(f"{path}: a sparse array, which this loader does not read")`,
  `${INDENT}${INDENT}${INDENT}ndim, = take("<i")`,
  `${INDENT}${INDENT}${INDENT}shape = take(f"<{max(ndim, 0)}q")`,
  `${INDENT}${INDENT}elif magic == 0xF993FAC8:`,
  `${INDENT}${INDENT}${INDENT}ndim, = take("<I")`,
  `${INDENT}${INDENT}${INDENT}shape = take(f"<{ndim}q")`,
  `${INDENT}${INDENT}else:  # the oldest form: the rank, then uint32 dims`,
  `${INDENT}${INDENT}${INDENT}ndim = magic`,
  `${INDENT}${INDENT}${INDENT}shape = take(f"<{ndim}I")`,
  `${INDENT}${INDENT}if ndim == -1 or (ndim == 0 and magic != 0xF993FACA):`,
  `${INDENT}${INDENT}${INDENT}arrays.append(None)  # an empty NDArray: nothing follows`,
  `${INDENT}${INDENT}${INDENT}continue`,
  `${INDENT}${INDENT}take("<ii")  # the device it was saved from`,
  `${INDENT}${INDENT}dtype = np.dtype(dtypes[take("<i")[0]])`,
  `${INDENT}${INDENT}count = int(np.prod(shape))`,
  `${INDENT}${INDENT}arrays.append(np.frombuffer(data, dtype, count, pos).reshape(shape).astype("float32"))`,
  `${INDENT}${INDENT}pos += count * dtype.itemsize`,
  `${INDENT}names = []`,
  `${INDENT}for _ in range(take("<Q")[0]):`,
  `${INDENT}${INDENT}length, = take("<Q")`,
  `${INDENT}${INDENT}names.append(data[pos:pos + length].decode())`,
  `${INDENT}${INDENT}pos += length`,
  `${INDENT}return dict(zip(names, arrays))`,
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
  'def _from_keras_rnn(arrays, directions):',
  `${INDENT}# Per direction (a Bidirectional layer holds the forward layer's weights,`,
  `${INDENT}# then the backward one's): [kernel, recurrent, input bias, recurrent bias].`,
  `${INDENT}import numpy as np`,
  '',
  `${INDENT}per = len(arrays) // directions`,
  `${INDENT}out = []`,
  `${INDENT}for d in range(directions):`,
  `${INDENT}${INDENT}kernel, recurrent, *bias = arrays[d * per:(d + 1) * per]`,
  `${INDENT}${INDENT}zeros = np.zeros(recurrent.shape[1], "float32")`,
  `${INDENT}${INDENT}if not bias:`,
  `${INDENT}${INDENT}${INDENT}out.append([kernel, recurrent, zeros, zeros])`,
  `${INDENT}${INDENT}elif bias[0].ndim == 2:  # GRU(reset_after=True): both biases, stacked`,
  `${INDENT}${INDENT}${INDENT}out.append([kernel, recurrent, bias[0][0], bias[0][1]])`,
  `${INDENT}${INDENT}else:`,
  `${INDENT}${INDENT}${INDENT}out.append([kernel, recurrent, bias[0], zeros])`,
  `${INDENT}return out`,
  '',
  '',
];

const KERAS_ASSIGN = [
  'def _assign(model, name, arrays):',
  `${INDENT}model.get_layer(name).set_weights(arrays)`,
  '',
  '',
];

/** The ops whose layers hold weights. */
const WEIGHTED: string[] = ['conv', 'dense', 'bn', 'embedding', 'rnn', 'convT', 'layernorm', 'mha', 'prelu', 'groupnorm'];

export function weightLoader(plan: Plan, to: PortFramework): string {
  const g = plan.graph;
  const weighted = g.nodes.filter((n) => WEIGHTED.includes(n.op.kind) && paramsIn(n.op, g.source) > 0);
  const rnns = weighted.some((n) => n.op.kind === 'rnn');
  const body: string[] = [...readSource(g, weighted), 'w = {}  # layer name -> arrays in the neutral (Keras) layouts'];
  for (const n of weighted) body.push(...readNode(g, n));
  body.push('', ...(to === 'torch' ? ['state = {}  # state_dict key -> array'] : []));
  for (const n of weighted) body.push(...reorderFlatten(plan, n), ...writeNode(plan, n, to));
  if (to === 'torch') body.push(...TORCH_LOAD_STATE);
  const arg = to === 'gluon' ? 'net' : 'model';
  const from = g.source === 'keras' ? "a saved Keras model (.keras or .h5)" : g.source === 'torch' ? 'a saved PyTorch state_dict (torch.save(model.state_dict(), path))'
    : g.symbolic ? 'an MXNet checkpoint (the .params of mx.model.save_checkpoint: arg: and aux: names), read without MXNet' : 'saved Gluon parameters (.params, net.save_parameters)';
  return [
    '',
    '',
    ...(rnns && g.source === 'keras' ? KERAS_RNN : []),
    ...(rnns && g.source !== 'keras' ? readRnnHelper(g.source) : []),
    ...(rnns && to === 'keras' ? KERAS_RNN_WEIGHTS : []),
    'def _swap_first_gates(a):',
    `${INDENT}"""GRU gates: Keras (z, r, h) <-> PyTorch and MXNet (r, z, n)."""`,
    `${INDENT}import numpy as np`,
    '',
    `${INDENT}z, r, h = np.split(a, 3, axis=-1)`,
    `${INDENT}return np.concatenate([r, z, h], axis=-1)`,
    '',
    '',
    ...(g.symbolic ? MX_PARAMS_READER : []),
    ...(to === 'gluon' ? GLUON_PARAM : to === 'torch' ? [] : KERAS_ASSIGN),
    `def load_weights(${arg}, path):`,
    `${INDENT}"""Copies the weights at path into this port, converted.`,
    '',
    `${INDENT}path: ${from}.`,
    `${INDENT}"""`,
    `${INDENT}import numpy as np`,
    ...(to === 'gluon' || (g.source === 'gluon' && !g.symbolic) ? [`${INDENT}import mxnet as mx`] : []),
    ...(to === 'torch' || g.source === 'torch' ? [`${INDENT}import torch`] : []),
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
      ...[...new Set(weighted.map((n) => n.name))].map((name) => `${INDENT}${JSON.stringify(name)},`),
      ']',
      '',
      'def flat(layer):',
      "    # A nested model (a Sequential block inside the model) holds its layers' weights: read them one by one.",
      '    if isinstance(layer, keras.Model):',
      '        return [la for sub in layer.layers for la in flat(sub)]',
      '    return [layer]',
      '',
      'layers = [la for la in flat(saved) if la.get_weights()]',
      'if len(layers) != len(names):',
      '    raise ValueError(f"{path} has {len(layers)} layers with weights, this port {len(names)}")',
      'raw = {}',
      'for name, layer in zip(names, layers):',
      `${INDENT}raw[name] = [np.asarray(a) for a in layer.get_weights()]`,
    ];
  }
  if (g.source === 'torch') {
    return ['raw = {k: v.detach().cpu().numpy() for k, v in torch.load(path, map_location="cpu").items()}'];
  }
  if (g.symbolic) {
    return [
      '# A checkpoint names arguments arg:conv1_weight and auxiliary states',
      '# (BatchNorm\'s moving statistics) aux:bn1_moving_mean.',
      'raw = {k.split(":", 1)[-1]: v for k, v in _read_mx_params(path).items()}',
    ];
  }
  return ['raw = {k: v.asnumpy() for k, v in mx.nd.load(path).items()}'];
}

/** Why the source's saved weights cannot be named, or null: an MXNet symbol op without `name=` has an automatic name numbered per process. */
export function weightsRefusal(g: PortGraph): string | null {
  if (!g.symbolic) return null;
  const unnamed = [...new Set(g.nodes.filter((n) => WEIGHTED.includes(n.op.kind) && !n.path).map((n) => `${n.type} (line ${n.line})`))];
  if (unnamed.length === 0) return null;
  return `--with-weights: ${unnamed.join(', ')} ${unnamed.length > 1 ? 'have' : 'has'} no name= the code shows; MXNet names unnamed ops per process (convolution0, ...), so their saved arguments cannot be found: give each weighted op a name=`;
}

function axes(xs: number[]): string {
  return xs.join(', ');
}

function seq(a: number, b: number): number[] {
  return Array.from({ length: b - a }, (_, i) => a + i);
}

/** The key of a node's arrays in `w`: the layer's name, and the part of a layer read as two weighted nodes. */
function keyOf(n: PortNode): string {
  const name = n.path ?? n.name;
  return JSON.stringify(n.part ? `${name}/${n.part}` : name);
}

/** `w[name] = [...]` in the neutral (Keras) layouts, from the raw source arrays. */
function readNode(g: PortGraph, n: PortNode): string[] {
  const key = keyOf(n);
  const op = n.op;
  if (g.source === 'keras') {
    const raw = `raw[${JSON.stringify(n.name)}]`;
    if (op.kind === 'conv' && /^(Depthwise|Separable)/.test(n.type) && n.part !== 'pointwise') {
      // Keras' depthwise kernel (*kernel, in, multiplier) is a grouped kernel (*kernel, 1, in * multiplier), in the same channel order.
      const rest = n.part === 'depthwise' ? '' : `, *${raw}[1:]`;
      return [`w[${key}] = [${raw}[0].reshape(${raw}[0].shape[:-2] + (1, -1))${rest}]`];
    }
    if (n.part === 'pointwise') return [`w[${key}] = ${raw}[1:]`];
    if (n.part === 'affine') return affineKernel(n, `${raw}[0]`, `${raw}[1]`);
    if (op.kind === 'prelu') return [`w[${key}] = [${raw}[0].reshape(-1)]`];
    if (op.kind === 'rnn') {
      return [`w[${key}] = [_from_keras_rnn(${raw}, ${op.bidirectional ? 2 : 1})]`];
    }
    return [`w[${key}] = raw[${key}]`];
  }
  const p = savedParam(g, n);
  if (n.part === 'affine') return affineKernel(n, p('weight'), p('bias'));
  switch (op.kind) {
    case 'conv': {
      const r = op.rank;
      return [`# ${n.type} '${n.path ?? n.name}': (out, in, *kernel) → Keras (*kernel, in, out).`,
        `w[${key}] = [${p('weight')}.transpose(${axes([...seq(2, r + 2), 1, 0])})${op.bias ? `, ${p('bias')}` : ''}]`];
    }
    case 'dense':
      return [`w[${key}] = [${p('weight')}.T${op.bias ? `, ${p('bias')}` : ''}]`];
    case 'bn': {
      const names = g.source === 'torch' ? ['weight', 'bias', 'running_mean', 'running_var'] : g.symbolic ? ['gamma', 'beta', 'moving_mean', 'moving_var'] : ['gamma', 'beta', 'running_mean', 'running_var'];
      const arrays = (op.affine ? names : names.slice(2)).map(p);
      // fix_gamma=True: MXNet computes with a scale of 1, whatever gamma the checkpoint holds.
      if (op.fixedScale) arrays[0] = `np.ones_like(${arrays[0]})`;
      return [...(op.fixedScale ? [`# ${n.type} '${n.path}': fix_gamma=True, the scale is 1.`] : []), `w[${key}] = [${arrays.join(', ')}]`];
    }
    case 'convT': {
      const r = op.rank;
      return [`# ${n.type} '${n.path ?? n.name}': (in, out, *kernel) → Keras (*kernel, out, in).`,
        `w[${key}] = [${p('weight')}.transpose(${axes([...seq(2, r + 2), 1, 0])})${op.bias ? `, ${p('bias')}` : ''}]`];
    }
    case 'layernorm': {
      const names = g.source === 'torch' ? ['weight', 'bias'] : ['gamma', 'beta'];
      return op.affine ? [`w[${key}] = [${names.map(p).join(', ')}]`] : [];
    }
    case 'groupnorm': {
      if (!op.affine) return [];
      if (g.source === 'torch') return [`w[${key}] = [${p('weight')}, ${p('bias')}]`];
      // MXNet 1.x's GroupNorm has one gamma and beta per group: each applies to the group's channels.
      const per = op.channels / op.groups;
      if (per === 1) return [`w[${key}] = [${p('gamma')}, ${p('beta')}]`];
      return [`# ${n.type} '${n.name}': gamma and beta per group → per channel (each repeated ${per} times).`,
        `w[${key}] = [np.repeat(${p('gamma')}, ${per}), np.repeat(${p('beta')}, ${per})]`];
    }
    case 'prelu':
      return [`w[${key}] = [${p(g.source === 'torch' ? 'weight' : 'alpha')}]`];
    case 'mha':
      return attentionToNeutral(n, op, key);
    case 'embedding':
      return [`w[${key}] = [${p('weight')}]`];
    case 'rnn':
      // Per stacked layer, per direction: [kernel, recurrent kernel, input bias, recurrent bias].
      return [`w[${key}] = _read_rnn(raw, ${JSON.stringify(n.path ?? n.name)}, ${op.layers}, ${op.bidirectional ? 2 : 1}, gru=${op.cell === 'gru' ? 'True' : 'False'})`];
    default:
      return [];
  }
}

/** A group norm's per-channel gamma and beta as the kernel (*1, 1, channels) and bias of a 1x1 convolution with a group per channel. */
function affineKernel(n: PortNode, gamma: string, beta: string): string[] {
  const ones = new Array(Math.max(1, (n.shape?.length ?? 4) - 2)).fill(1).join(', ');
  return [`# ${n.type} '${n.name}': gamma and beta per channel → a 1x1 convolution with a group per channel (weight = gamma, bias = beta).`,
    `w[${keyOf(n)}] = [${gamma}.reshape(${ones}, 1, -1), ${beta}]`];
}

/** A saved parameter of the node's layer: PyTorch and Gluon name it by the layer's module path (`shortcut.0.weight`), an MXNet checkpoint by the op's name (`conv1_weight`). */
function savedParam(g: Pick<PortGraph, 'source' | 'symbolic'>, n: PortNode): (name: string) => string {
  return (name) => `raw[${JSON.stringify(`${n.path ?? n.name}${g.symbolic ? '_' : '.'}${name}`)}]`;
}

/** PyTorch's joined in_proj_weight (3E, E) and out_proj (E, E) as Keras' per-head query/key/value/output kernels. */
function attentionToNeutral(n: PortNode, op: Extract<PortNode['op'], { kind: 'mha' }>, key: string): string[] {
  const p = savedParam({ source: 'torch' }, n);
  const [e, h, d] = [op.embed, op.heads, op.embed / op.heads];
  const projections = op.bias ? `zip(np.split(${p('in_proj_weight')}, 3), np.split(${p('in_proj_bias')}, 3))` : `np.split(${p('in_proj_weight')}, 3)`;
  return [
    `# ${n.type} '${n.path ?? n.name}': in_proj_weight rows are query, key, value (out, in); Keras kernels are (in, heads, head size).`,
    `w[${key}] = []`,
    `for ${op.bias ? 'kernel, bias' : 'kernel'} in ${projections}:`,
    `${INDENT}w[${key}] += [kernel.T.reshape(${e}, ${h}, ${d})${op.bias ? `, bias.reshape(${h}, ${d})` : ''}]`,
    `w[${key}] += [${p('out_proj.weight')}.T.reshape(${h}, ${d}, ${e})${op.bias ? `, ${p('out_proj.bias')}` : ''}]`,
  ];
}

/** Keras' per-head attention kernels joined into PyTorch's in_proj_weight and out_proj. */
function attentionFromNeutral(n: PortNode, op: Extract<PortNode['op'], { kind: 'mha' }>, attr: string): string[] {
  const e = op.embed;
  const step = op.bias ? 2 : 1;
  const kernels = [0, step, 2 * step].join(', ');
  return [
    `# ${n.type} '${n.path ?? n.name}': Keras kernels (in, heads, head size) → in_proj_weight rows query, key, value (out, in).`,
    `arrays = w[${keyOf(n)}]`,
    `state[${torchKey(attr, 'in_proj_weight')}] = np.concatenate([arrays[i].reshape(${e}, ${e}).T for i in (${kernels})])`,
    ...(op.bias ? [`state[${torchKey(attr, 'in_proj_bias')}] = np.concatenate([arrays[i].reshape(-1) for i in (1, 3, 5)])`] : []),
    `state[${torchKey(attr, 'out_proj.weight')}] = arrays[${3 * step}].reshape(${e}, ${e}).T`,
    ...(op.bias ? [`state[${torchKey(attr, 'out_proj.bias')}] = arrays[7]`] : []),
  ];
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
  const key = keyOf(n);
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
  const key = keyOf(n);
  const attr = plan.attr[n.id];
  const op = n.op;
  const arrays = `w[${key}]`;
  // Without a learned scale and offset there is nothing to load (Gluon's fixed gamma and beta keep 1 and 0).
  if (op.kind === 'groupnorm' && !op.affine) return [];
  if (to === 'keras') {
    if (isDepthwise(op)) return [`# ${n.type} '${n.path ?? n.name}': grouped kernel (*kernel, 1, in * multiplier) → depthwise (*kernel, in, multiplier).`, `_assign(model, ${JSON.stringify(attr)}, [${arrays}[0].reshape(${arrays}[0].shape[:-2] + (${op.kind === 'conv' ? op.inChannels : 1}, -1)), *${arrays}[1:]])`];
    if (op.kind === 'prelu') return [`_assign(model, ${JSON.stringify(attr)}, [${arrays}[0].reshape(model.get_layer(${JSON.stringify(attr)}).weights[0].shape)])`];
    if (op.kind === 'rnn') {
      const both = op.bidirectional ? "; the forward layer's weights, then the backward one's" : '';
      const how = op.cell === 'gru' ? 'input and recurrent biases stacked (reset_after=True)' : 'Keras has one bias: the sum of the input and recurrent biases';
      const names = Array.from({ length: op.layers }, (_, l) => kerasRnnName(op, attr, l));
      return [
        `# ${n.type} '${n.path ?? n.name}': ${how}${both}.`,
        `for name, layer in zip([${names.map((x) => JSON.stringify(x)).join(', ')}], ${arrays}):`,
        `${INDENT}_assign(model, name, _keras_rnn(layer, gru=${op.cell === 'gru' ? 'True' : 'False'}, bias=${op.bias ? 'True' : 'False'}))`,
      ];
    }
    return [`_assign(model, ${JSON.stringify(attr)}, ${arrays})`];
  }
  if (op.kind === 'mha') return to === 'torch' ? attentionFromNeutral(n, op, attr) : [];
  const names = targetNames(op.kind, to, op.kind === 'bn' && !op.affine);
  let values: string[];
  switch (op.kind) {
    case 'conv': case 'convT': {
      const r = op.rank;
      values = [`${arrays}[0].transpose(${axes([r + 1, r, ...seq(0, r)])})`, ...(op.bias ? [`${arrays}[1]`] : [])];
      break;
    }
    case 'dense':
      values = [`${arrays}[0].T`, ...(op.bias ? [`${arrays}[1]`] : [])];
      break;
    case 'rnn': {
      if (op.resetBefore) return resetBeforeGru(n, attr, arrays, to);
      const comment = op.cell === 'gru' ? `gates (z, r, h) → (r, z, n), transposed` : 'kernels transposed';
      // PyTorch names a layer's parameters weight_ih_l0(_reverse), Gluon l0_i2h_weight / r0_...
      const [name, kinds] = to === 'torch'
        ? [`f"{kind}_l{k}{'_reverse' if d else ''}"`, ['weight_ih', 'weight_hh', 'bias_ih', 'bias_hh']]
        : [`f"{'r' if d else 'l'}{k}_{kind}"`, ['i2h_weight', 'h2h_weight', 'i2h_bias', 'h2h_bias']];
      const set = to === 'torch' ? `state[${JSON.stringify(`${attr}.`)} + ${name}] = value` : `_set(net.${attr}, ${name}, value)`;
      const values = ['kernel.T', 'recurrent.T', ...(op.bias ? ['b_in', 'b_rec'] : [])];
      const arraysOf = op.cell === 'gru' ? '[_swap_first_gates(a) for a in arrays]' : 'arrays';
      return [
        `# ${n.type} '${n.path ?? n.name}': ${comment}.`,
        `for k, layer in enumerate(${arrays}):`,
        `${INDENT}for d, arrays in enumerate(layer):`,
        `${INDENT}${INDENT}kernel, recurrent, b_in, b_rec = ${arraysOf}`,
        `${INDENT}${INDENT}values = [${values.join(', ')}]`,
        `${INDENT}${INDENT}for kind, value in zip(${JSON.stringify(kinds.slice(0, values.length)).replace(/","/g, '", "')}, values):`,
        `${INDENT}${INDENT}${INDENT}${set}`,
      ];
    }
    default:
      values = names.map((_, i) => `${arrays}[${i}]`);
  }
  const comment = op.kind === 'conv' ? [`# ${n.type} '${n.path ?? n.name}': Keras kernel (*kernel, in, out) → (out, in, *kernel).`]
    : op.kind === 'convT' ? [`# ${n.type} '${n.path ?? n.name}': Keras kernel (*kernel, out, in) → (in, out, *kernel).`]
    : op.kind === 'dense' ? [`# ${n.type} '${n.path ?? n.name}': (in, out) → (out, in).`] : [];
  if (to === 'torch') {
    // Keras and Gluon keep no count of training batches; PyTorch's BatchNorm saves one (read only when momentum=None).
    const counted = op.kind === 'bn' ? [`state[${torchKey(attr, 'num_batches_tracked')}] = np.array(0)`] : [];
    return [...comment, ...values.map((v, i) => `state[${torchKey(attr, names[i])}] = ${v}`), ...counted];
  }
  return [...comment, ...values.map((v, i) => `_set(net.${attr}, ${JSON.stringify(names[i])}, ${v})`)];
}

/** Keras' GRU(reset_after=False) into the port's explicit GRUResetBefore cell: Keras' gate order kept, one bias. */
function resetBeforeGru(n: PortNode, attr: string, arrays: string, to: PortFramework): string[] {
  const set = (layer: string, kind: 'weight' | 'bias', value: string) =>
    to === 'torch' ? `state[${torchKey(attr, `${layer}.${kind}`)}] = ${value}` : `_set(net.${attr}, "${layer}_${kind}", ${value})`;
  return [
    `# ${n.type} '${n.name}' (reset_after=False): gates stay in Keras' order z, r, h; kernels transposed,`,
    '# the recurrent kernel split into its z, r columns and its h columns (the matmul after the reset).',
    `kernel, recurrent, b_in, _ = ${arrays}[0][0]`,
    'units = recurrent.shape[0]',
    set('kernel', 'weight', 'kernel.T'),
    set('kernel', 'bias', 'b_in'),
    set('recurrent_zr', 'weight', 'recurrent[:, :2 * units].T'),
    set('recurrent_h', 'weight', 'recurrent[:, 2 * units:].T'),
  ];
}

/** A PyTorch port's state_dict key: the module's attribute, then the parameter's path below it. */
function torchKey(attr: string, name: string): string {
  return JSON.stringify(`${attr}.${name}`);
}

function targetNames(kind: string, to: PortFramework, statsOnly: boolean): string[] {
  switch (kind) {
    case 'conv': case 'dense': case 'convT':
      return ['weight', 'bias'];
    case 'layernorm': case 'groupnorm':
      return to === 'torch' ? ['weight', 'bias'] : ['gamma', 'beta'];
    case 'prelu':
      return to === 'torch' ? ['weight'] : ['alpha'];
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

/**
 * A recurrent module's parameter names as Python f-string bodies of `k` (the stacked layer) and
 * `d` (1: backward): input and recurrent weights, then biases.
 */
function rnnParamNames(fw: PortFramework, k: string, d: string): string[] {
  if (fw === 'torch') return ['weight_ih', 'weight_hh', 'bias_ih', 'bias_hh'].map((x) => `${x}_l${k}{'_reverse' if ${d.slice(1, -1)} else ''}`);
  return ['i2h_weight', 'h2h_weight', 'i2h_bias', 'h2h_bias'].map((x) => `{'r' if ${d.slice(1, -1)} else 'l'}${k}_${x}`);
}

/** Python that reads a source's recurrent layer into the neutral form (`_read_rnn`), for a PyTorch or Gluon source. */
function readRnnHelper(fw: PortFramework): string[] {
  const [wi, wh, bi, bh] = rnnParamNames(fw, '{k}', '{d}');
  return [
    'def _read_rnn(raw, prefix, layers, directions, gru):',
    `${INDENT}# Per stacked layer, per direction: [kernel, recurrent kernel, input bias,`,
    `${INDENT}# recurrent bias], kernels (in, gates * units) in Keras' gate order.`,
    `${INDENT}import numpy as np`,
    '',
    `${INDENT}def gates(a):`,
    `${INDENT}${INDENT}return _swap_first_gates(a) if gru else a`,
    '',
    `${INDENT}out = []`,
    `${INDENT}for k in range(layers):`,
    `${INDENT}${INDENT}out.append([])`,
    `${INDENT}${INDENT}for d in range(directions):`,
    `${INDENT}${INDENT}${INDENT}kernel = raw[f"{prefix}.${wi}"]`,
    `${INDENT}${INDENT}${INDENT}recurrent = raw[f"{prefix}.${wh}"]`,
    `${INDENT}${INDENT}${INDENT}zeros = np.zeros(kernel.shape[0], "float32")`,
    `${INDENT}${INDENT}${INDENT}b_in = raw.get(f"{prefix}.${bi}", zeros)`,
    `${INDENT}${INDENT}${INDENT}b_rec = raw.get(f"{prefix}.${bh}", zeros)`,
    `${INDENT}${INDENT}${INDENT}out[k].append([gates(kernel.T), gates(recurrent.T), gates(b_in), gates(b_rec)])`,
    `${INDENT}return out`,
    '',
    '',
  ];
}

/** Keras' weights of one recurrent layer from the neutral form: one bias (the sum), or a GRU's two stacked. */
const KERAS_RNN_WEIGHTS = [
  'def _keras_rnn(directions, gru, bias):',
  `${INDENT}import numpy as np`,
  '',
  `${INDENT}out = []`,
  `${INDENT}for kernel, recurrent, b_in, b_rec in directions:`,
  `${INDENT}${INDENT}out += [kernel, recurrent]`,
  `${INDENT}${INDENT}if bias:`,
  `${INDENT}${INDENT}${INDENT}out.append(np.stack([b_in, b_rec]) if gru else b_in + b_rec)`,
  `${INDENT}return out`,
  '',
  '',
];
