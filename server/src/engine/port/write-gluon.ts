/** Writes a port graph as a Gluon 1.x `HybridBlock` with `hybrid_forward(self, F, x)`. */
import { shapeText, type PortNode, type PortOp } from './ir';
import { anyPad, asymmetric, batchAxis, className, demoBatch, resetBeforeHelpers, excludesPad, origin, pyTuple, targetShape, type Plan } from './plan';
import { catalogueNotes, channelsFirstNote, excludePadNote, flattenNote, flattenReorder, layoutConversion, reverseExpr, rnnInputLines, rnnNote, rnnOutputLines, softmaxNote, timeMajorNote, sourceName, stubLines, writerVars, type Written } from './write-common';
import { asymmetricWhy, mergeExpr, padWords, targetAxis } from './write-torch';

const GLUON_ACT: Record<string, string> = {
  relu: 'F.relu(X)', sigmoid: 'F.sigmoid(X)', tanh: 'F.tanh(X)', softplus: "F.Activation(X, act_type='softrelu')",
  softsign: "F.Activation(X, act_type='softsign')", elu: "F.LeakyReLU(X, act_type='elu', slope=1.0)",
  selu: "F.LeakyReLU(X, act_type='selu')", gelu: "F.LeakyReLU(X, act_type='gelu')", silu: 'X * F.sigmoid(X)',
  relu6: 'F.clip(X, 0, 6)', log_softmax: 'F.log_softmax(X, axis=-1)',
};

export function writeGluon(plan: Plan, withWeights: string | null): Written {
  const g = plan.graph;
  const cls = className(g.modelName);
  const init: string[] = [];
  const body: string[] = [];
  const v = writerVars(plan);
  const applied: number[] = [];
  for (const n of g.nodes.slice(1)) {
    const ins = n.inputs.map((i, k) => {
      const conv = layoutConversion(plan, i, plan.inputLayout[n.id], 'gluon');
      if (!conv) return v.of(i);
      const name = v.converted(i, k, n.id);
      body.push(`${name} = ${conv.replace('X', v.of(i))}`);
      return name;
    });
    const module = gluonBlock(n.op, plan, n);
    if (module && n.op.kind === 'rnn' && n.op.resetBefore) applied.push(...resetBeforeHelpers(plan, n));
    if (module) applied.push(n.id);
    if (module) init.push(`self.${plan.attr[n.id]} = ${module}`);
    for (const c of comments(plan, n)) body.push(`# ${c}`);
    body.push(...forwardLines(plan, n, ins, v.def(n.id)));
  }
  const usesRnn = g.nodes.some((n) => n.op.kind === 'rnn' && !n.op.resetBefore);
  const lines: string[] = [
    `"""${g.modelName} (${sourceName(g)}), ported to Gluon (MXNet 1.x) by shapelint port."""`,
    'from mxnet import gluon, nd',
    `from mxnet.gluon import nn${usesRnn ? ', rnn' : ''}`,
    '',
    '',
    ...(g.nodes.some((n) => n.op.kind === 'rnn' && n.op.resetBefore) ? GRU_RESET_BEFORE : []),
    `class ${cls}(gluon.HybridBlock):`,
    '    def __init__(self, **kwargs):',
    `        super(${cls}, self).__init__(**kwargs)`,
    '        with self.name_scope():',
    ...init.map((l) => `            ${l}`),
    ...(init.length ? [] : ['            pass']),
    '',
    '    def hybrid_forward(self, F, x):',
    ...[...channelsFirstNote(plan, 'Gluon', 'nd'), ...timeMajorNote(plan)].map((l) => `        # ${l}`),
    ...body.map((l) => `        ${l}`),
    `        return ${v.of(g.output)}`,
    ...stubMethods(plan),
  ];
  if (withWeights) lines.push(...withWeights.split('\n'));
  const shape = targetShape(plan, 0)!.map((d, i) => (i === batchAxis(plan) ? demoBatch(g) : d));
  lines.push('', '', 'if __name__ == "__main__":', `    net = ${cls}()`, '    net.initialize()', '    net.hybridize()');
  if (withWeights) lines.push('    # load_weights(net, "weights-file")  # the source framework\'s saved weights');
  lines.push(`    x = ${demoInput(plan, shape as number[])}`, '    y = net(x)', '    print("output shape:", y.shape)',
    '    print("parameters:", sum(p.data().size for p in net.collect_params().values()))', '');
  return { code: lines.join('\n'), className: cls, applied };
}

function demoInput(plan: Plan, dims: number[]): string {
  const emb = plan.graph.nodes.find((n) => n.inputs.includes(0) && n.op.kind === 'embedding')?.op;
  if (emb?.kind === 'embedding') return `nd.random.randint(0, ${emb.inputDim}, shape=${pyTuple(dims)}).astype('float32')`;
  return `nd.random.uniform(shape=${pyTuple(dims)})`;
}

function gluonSize(xs: number[]): string {
  return pyTuple(xs);
}

/**
 * Keras' GRU(reset_after=False) as an explicit Gluon block: rnn.GRU applies the reset gate after
 * the recurrent matmul, this cell before it. `steps` is the sequence length (a hybridized block
 * traces the loop once; shapelint checks it unrolled).
 */
const GRU_RESET_BEFORE = [
  'class GRUResetBefore(gluon.HybridBlock):',
  '    """Keras\' GRU(reset_after=False), which rnn.GRU cannot compute.',
  '',
  '    The reset gate scales the state before the recurrent matmul:',
  '    candidate = tanh(W_h x + b_h + U_h (r * h)); rnn.GRU computes',
  '    tanh(W_h x + b_i2h + r * (U_h h + b_h2h)). Gates in Keras\' order z, r, h,',
  '    one bias (in `kernel`); reads and returns (batch, time, ...) over `steps` steps.',
  '    """',
  '',
  '    def __init__(self, hidden_size, input_size, steps, **kwargs):',
  '        super(GRUResetBefore, self).__init__(**kwargs)',
  '        self.hidden_size = hidden_size',
  '        self.steps = steps',
  '        with self.name_scope():',
  "            self.kernel = nn.Dense(3 * hidden_size, flatten=False, in_units=input_size, prefix='kernel_')",
  "            self.recurrent_zr = nn.Dense(2 * hidden_size, use_bias=False, in_units=hidden_size, prefix='recurrent_zr_')",
  "            self.recurrent_h = nn.Dense(hidden_size, use_bias=False, in_units=hidden_size, prefix='recurrent_h_')",
  '',
  '    def hybrid_forward(self, F, x):',
  '        projected = self.kernel(x)',
  '        first = F.squeeze(F.slice_axis(projected, axis=1, begin=0, end=1), axis=1)',
  '        h = F.zeros_like(F.slice_axis(first, axis=-1, begin=0, end=self.hidden_size))',
  '        steps = []',
  '        for t in range(self.steps):',
  '            step = F.squeeze(F.slice_axis(projected, axis=1, begin=t, end=t + 1), axis=1)',
  '            x_z, x_r, x_h = F.split(step, num_outputs=3, axis=-1)',
  '            h_z, h_r = F.split(self.recurrent_zr(h), num_outputs=2, axis=-1)',
  '            z = F.sigmoid(x_z + h_z)',
  '            r = F.sigmoid(x_r + h_r)',
  '            candidate = F.tanh(x_h + self.recurrent_h(r * h))',
  '            h = z * h + (1 - z) * candidate',
  '            steps.append(h)',
  '        return F.stack(*steps, axis=1)',
  '',
  '',
];

function gluonBlock(op: PortOp, plan: Plan, n: PortNode): string | null {
  switch (op.kind) {
    case 'conv': {
      const args = [`channels=${op.filters}`, `kernel_size=${gluonSize(op.kernel)}`];
      if (op.strides.some((s) => s !== 1)) args.push(`strides=${gluonSize(op.strides)}`);
      if (!asymmetric(op.padBefore, op.padAfter) && anyPad(op.padBefore, op.padAfter)) args.push(`padding=${gluonSize(op.padBefore)}`);
      if (op.dilation.some((d) => d !== 1)) args.push(`dilation=${gluonSize(op.dilation)}`);
      if (op.groups !== 1) args.push(`groups=${op.groups}`);
      if (!op.bias) args.push('use_bias=False');
      args.push(`in_channels=${op.inChannels}`);
      return `nn.Conv${op.rank}D(${args.join(', ')})`;
    }
    case 'dense': {
      const rank = plan.graph.nodes[n.inputs[0]].shape?.length ?? 2;
      const args = [String(op.units)];
      if (!op.bias) args.push('use_bias=False');
      if (rank > 2) args.push('flatten=False');
      args.push(`in_units=${op.inFeatures}`);
      return `nn.Dense(${args.join(', ')})`;
    }
    case 'pool': {
      const args = [`pool_size=${gluonSize(op.kernel)}`, `strides=${gluonSize(op.strides)}`];
      if (!asymmetric(op.padBefore, op.padAfter) && anyPad(op.padBefore, op.padAfter)) {
        args.push(`padding=${gluonSize(op.padBefore)}`);
        if (excludesPad(op)) args.push('count_include_pad=False');
      }
      return `nn.${op.mode === 'max' ? 'Max' : 'Avg'}Pool${op.rank}D(${args.join(', ')})`;
    }
    case 'convT': {
      const args = [`channels=${op.filters}`, `kernel_size=${gluonSize(op.kernel)}`];
      if (op.strides.some((s) => s !== 1)) args.push(`strides=${gluonSize(op.strides)}`);
      if (op.cropBefore.some((b) => b !== 0)) args.push(`padding=${gluonSize(op.cropBefore)}`);
      const extra = op.cropBefore.map((b, i) => b - op.cropAfter[i]);
      if (extra.some((e) => e !== 0)) args.push(`output_padding=${gluonSize(extra)}`);
      if (op.dilation.some((d) => d !== 1)) args.push(`dilation=${gluonSize(op.dilation)}`);
      if (op.groups !== 1) args.push(`groups=${op.groups}`);
      if (!op.bias) args.push('use_bias=False');
      args.push(`in_channels=${op.inChannels}`);
      return `nn.Conv${op.rank}DTranspose(${args.join(', ')})`;
    }
    case 'layernorm':
      return `nn.LayerNorm(axis=-1, epsilon=${op.eps}${op.affine ? '' : ', center=False, scale=False'}, in_channels=${op.size})`;
    case 'prelu':
      return `nn.PReLU(in_channels=${op.channels})`;
    case 'groupnorm': {
      // Without a learned scale and offset, Gluon's gamma and beta stay at 1 and 0 (grad_req 'null').
      const fixed = op.affine ? '' : ', center=False, scale=False';
      if (op.groups === op.channels) return `nn.InstanceNorm(axis=1, epsilon=${op.eps}${op.affine ? ', scale=True' : fixed}, in_channels=${op.channels})`;
      return `nn.GroupNorm(num_groups=${op.groups}, epsilon=${op.eps}${fixed})`;
    }
    case 'dropout':
      return op.spatial ? `nn.Dropout(${op.rate}, axes=${pyTuple(Array.from({ length: op.spatial }, (_, i) => i + 2))})` : `nn.Dropout(${op.rate})`;
    case 'bn': {
      const args = ['axis=1', `momentum=${op.momentum}`, `epsilon=${op.eps}`];
      if (!op.affine) args.push('center=False', 'scale=False');
      args.push(`in_channels=${op.channels}`);
      return `nn.BatchNorm(${args.join(', ')})`;
    }
    case 'embedding':
      return `nn.Embedding(${op.inputDim}, ${op.outputDim})`;
    case 'rnn': {
      if (op.resetBefore) return `GRUResetBefore(${op.units}, ${op.inFeatures}, ${plan.graph.nodes[n.inputs[0]].shape![1]})`;
      const args = [String(op.units)];
      if (op.layers > 1) args.push(`num_layers=${op.layers}`);
      if (op.cell === 'rnn') args.push("activation='tanh'");
      args.push(plan.timeMajor ? "layout='TNC'" : "layout='NTC'");
      if (op.bidirectional) args.push('bidirectional=True');
      if (op.dropout > 0) args.push(`dropout=${op.dropout}`);
      args.push(`input_size=${op.inFeatures}`);
      return `rnn.${op.cell === 'lstm' ? 'LSTM' : op.cell === 'gru' ? 'GRU' : 'RNN'}(${args.join(', ')})`;
    }
    default:
      return null;
  }
}

function comments(plan: Plan, n: PortNode): string[] {
  return n.op.kind === 'conv' ? [...catalogueNotes(plan, n, 'Gluon'), ...differences(plan, n)] : differences(plan, n);
}

function differences(plan: Plan, n: PortNode): string[] {
  const op = n.op;
  switch (op.kind) {
    case 'conv': case 'pool':
      if (!anyPad(op.padBefore, op.padAfter)) return [];
      if (op.kind === 'pool' && excludesPad(op)) return excludePadNote(origin(n), op, 'Gluon');
      if (asymmetric(op.padBefore, op.padAfter)) return [`${origin(n)}: ${asymmetricWhy(plan)} ${padWords(op.padBefore, op.padAfter)};`, "Gluon has no 'same' and pads symmetrically, so F.pad pads explicitly."];
      return [`${origin(n)}: Gluon has no 'same' padding: ${pyTuple(op.padBefore)} keeps the size for this odd kernel.`];
    case 'flatten':
      return flattenNote(plan, n, 'Gluon');
    case 'dense':
      return (plan.graph.nodes[n.inputs[0]].shape?.length ?? 2) > 2 ? ['Gluon Dense flattens its input unless flatten=False; Keras Dense maps the last axis.'] : [];
    case 'bn':
      return [`BatchNorm: momentum ${op.momentum} as in Keras (Gluon's default is 0.9), epsilon ${op.eps} (Gluon's 1e-5).`];
    case 'act':
      return op.fn === 'softmax' ? softmaxNote('gluon.loss.SoftmaxCrossEntropyLoss') : [];
    case 'rnn':
      return [...rnnNote(op, 'Gluon', plan), 'Gluon returns every step (no return_sequences switch).'];
    default:
      return catalogueNotes(plan, n, 'Gluon');
  }
}

/** MXNet's pad_width: (before, after) for every axis, batch and channels first; 4-D and 5-D only. */
function padWidth(before: number[], after: number[]): number[] {
  return [0, 0, 0, 0, ...before.flatMap((b, i) => [b, after[i]])];
}

function padLines(x: string, before: number[], after: number[], value: string | null): string[] {
  const valueArg = value ? `, constant_value=${value}` : '';
  if (before.length >= 2) return [`${x} = F.pad(${x}, mode='constant', pad_width=${pyTuple(padWidth(before, after))}${valueArg})`];
  // F.pad takes 4-D and 5-D data: give a 1-D signal a unit height while padding.
  return [
    `${x} = F.reshape(${x}, shape=(0, 0, 1, -1))`,
    `${x} = F.pad(${x}, mode='constant', pad_width=${pyTuple(padWidth([0, ...before], [0, ...after]))}${valueArg})`,
    `${x} = F.reshape(${x}, shape=(0, 0, -1))`,
  ];
}

function forwardLines(plan: Plan, n: PortNode, ins: string[], out: string): string[] {
  const op = n.op;
  const x = ins[0];
  const attr = plan.attr[n.id];
  const rank = plan.graph.nodes[n.inputs[0]]?.shape?.length ?? 0;
  switch (op.kind) {
    case 'conv': case 'pool': {
      const pre = asymmetric(op.padBefore, op.padAfter) ? padLines(x, op.padBefore, op.padAfter, op.kind === 'pool' && op.mode === 'max' ? "float('-inf')" : null) : [];
      if (op.kind === 'pool' && excludesPad(op) && pre.length) {
        const count = [
          `count = F.ones_like(F.slice_axis(${x}, axis=1, begin=0, end=1))`,
          ...padLines('count', op.padBefore, op.padAfter, null),
          `count = F.Pooling(count, kernel=${pyTuple(op.kernel)}, stride=${pyTuple(op.strides)}, pool_type='avg')`,
        ];
        return [...count, ...pre, `${out} = self.${attr}(${x}) / count`];
      }
      return [...pre, `${out} = self.${attr}(${x})`];
    }
    case 'dense': case 'dropout': case 'bn': case 'embedding': case 'convT': case 'layernorm': case 'prelu': case 'groupnorm':
      return [`${out} = self.${attr}(${x})`];
    case 'upsample':
      if (op.mode === 'bilinear') return [`${out} = F.contrib.BilinearResize2D(${x}, scale_height=${op.scale[0]}, scale_width=${op.scale[1]}, align_corners=${op.alignCorners ? 'True' : 'False'})`];
      // Nearest upsampling by whole factors: each spatial axis (2, 3, ... in NCHW) repeated.
      return chainLines(x, out, op.scale.map((s, i) => (s === 1 ? null : `F.repeat(X, repeats=${s}, axis=${i + 2})`)));
    case 'crop':
      return chainLines(x, out, op.before.map((b, i) => (b || op.after[i] ? `F.slice_axis(X, axis=${i + 2}, begin=${b}, end=${op.after[i] ? -op.after[i] : 'None'})` : null)));
    case 'rnn':
      return [...rnnInputLines(plan, op, x, 'gluon'), `${out} = self.${attr}(${x})`, ...rnnOutputLines(op, out, 'gluon')];
    case 'reverse':
      return [`${out} = ${reverseExpr(plan, x, 'gluon')}`];
    case 'gpool':
      return [`${out} = F.${op.mode === 'max' ? 'max' : 'mean'}(${x}, axis=${pyTuple(Array.from({ length: op.rank }, (_, i) => i + 2))})`];
    case 'flatten': {
      const axes = flattenReorder(plan, n);
      return [`${out} = F.flatten(${axes ? `F.transpose(${x}, axes=${pyTuple(axes)})` : x})`];
    }
    case 'act':
      if (op.fn === 'softmax') return [`${out} = F.softmax(${x}, axis=${rank >= 3 && plan.layout[n.inputs[0]] === 'cf' ? 1 : -1})`];
      if (op.fn === 'leaky_relu') return [`${out} = F.LeakyReLU(${x}, act_type='leaky', slope=${op.alpha})`];
      return [`${out} = ${GLUON_ACT[op.fn].split('X').join(x)}`];
    case 'zeropad':
      return [...(out === x ? [] : [`${out} = ${x}`]), ...padLines(out, op.before, op.after, null)];
    case 'reshape':
      return [`${out} = F.reshape(${x}, shape=(0, ${op.target.join(', ')}))`];
    case 'permute':
      return [`${out} = F.transpose(${x}, axes=(0, ${op.dims.join(', ')}))`];
    case 'concat':
      return [`${out} = F.concat(${ins.join(', ')}, dim=${targetAxis(plan, n, op.axis)})`];
    case 'add':
      return [`${out} = ${ins.join(' + ')}`];
    case 'repeat':
      return [`${out} = F.repeat(F.expand_dims(${x}, axis=1), repeats=${op.times}, axis=1)`];
    case 'slice': {
      const axis = targetAxis(plan, n, op.axis, rank);
      const sliced = `F.slice_axis(${x}, axis=${axis}, begin=${op.begin}, end=${op.end})`;
      return [`${out} = ${op.index ? `F.squeeze(${sliced}, axis=${axis})` : sliced}`];
    }
    case 'merge':
      return [`${out} = ${mergeExpr(op.fn, ins, 'F.maximum', 'F.minimum')}`];
    case 'relayout':
      // The source's transpose between channels-first and -last: the port places its own.
      return out === x ? [] : [`${out} = ${x}`];
    case 'stub':
      return [...stubLines(plan, n, 'gluon'), `${out} = self.${attr}(F, ${x})`];
    default:
      return [`${out} = ${x}`];
  }
}

/** One statement per step (`X`: the tensor so far), each applied to the previous one's result. */
function chainLines(x: string, out: string, steps: (string | null)[]): string[] {
  const lines: string[] = [];
  let cur = x;
  for (const step of steps) {
    if (!step) continue;
    lines.push(`${out} = ${step.replace('X', cur)}`);
    cur = out;
  }
  return lines.length ? lines : [`${out} = ${x}`];
}

function stubMethods(plan: Plan): string[] {
  const out: string[] = [];
  for (const n of plan.graph.nodes) {
    if (n.op.kind !== 'stub') continue;
    out.push('', `    def ${plan.attr[n.id]}(self, F, x):`, `        # NOT PORTED: ${origin(n)}: ${n.op.reason}.`,
      `        raise NotImplementedError("shapelint port: write ${n.type} '${n.name}' here; it must return shape ${shapeText(targetShape(plan, n.id))}")`);
  }
  return out;
}
