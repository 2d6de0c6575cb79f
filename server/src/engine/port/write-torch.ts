/** Writes a port graph as a PyTorch `nn.Module` with `__init__` and `forward`. */
import { shapeText, type MergeFn, type PortNode, type PortOp } from './ir';
import { anyPad, asymmetric, batchAxis, className, demoBatch, resetBeforeHelpers, excludesPad, origin, pySize, pyTuple, targetShape, type Plan } from './plan';
import { catalogueNotes, channelsFirstNote, excludePadNote, flattenNote, flattenReorder, layoutConversion, reverseExpr, rnnInputLines, rnnNote, rnnOutputLines, softmaxNote, timeMajorNote, sourceName, stubLines, writerVars, type Written } from './write-common';

const TORCH_ACT: Record<string, string> = {
  relu: 'torch.relu(X)', sigmoid: 'torch.sigmoid(X)', tanh: 'torch.tanh(X)', elu: 'F.elu(X)', selu: 'F.selu(X)',
  softplus: 'F.softplus(X)', softsign: 'F.softsign(X)', gelu: 'F.gelu(X)', silu: 'F.silu(X)', relu6: 'F.relu6(X)',
  log_softmax: 'torch.log_softmax(X, dim=-1)',
};

export function writeTorch(plan: Plan, withWeights: string | null): Written {
  const g = plan.graph;
  const cls = className(g.modelName);
  const init: string[] = [];
  const body: string[] = [];
  const v = writerVars(plan);
  const applied: number[] = [];
  for (const n of g.nodes.slice(1)) {
    const attr = plan.attr[n.id];
    const ins = n.inputs.map((i, k) => {
      const conv = layoutConversion(plan, i, plan.inputLayout[n.id], 'torch');
      if (!conv) return v.of(i);
      const name = v.converted(i, k, n.id);
      body.push(`${name} = ${conv.replace('X', v.of(i))}`);
      return name;
    });
    const out = v.def(n.id);
    const x = ins[0];
    const op = n.op;
    const module = torchModule(op, n, plan);
    // The explicit reset-before GRU applies its input projection once and two recurrent layers per step (checked unrolled).
    if (module && op.kind === 'rnn' && op.resetBefore) applied.push(...resetBeforeHelpers(plan, n));
    if (module) applied.push(n.id);
    if (module) init.push(`self.${attr} = ${module}`);
    for (const c of opComments(plan, n)) body.push(`# ${c}`);
    body.push(...forwardLines(plan, n, op, attr, x, ins, out));
  }
  const inShape = targetShape(plan, 0)!;
  const lines: string[] = [
    `"""${g.modelName} (${sourceName(g)}), ported to PyTorch by shapelint port."""`,
    'import torch',
    'import torch.nn.functional as F',
    'from torch import nn',
    '',
    '',
    ...(g.nodes.some((n) => n.op.kind === 'rnn' && n.op.resetBefore) ? GRU_RESET_BEFORE : []),
    `class ${cls}(nn.Module):`,
    `    def __init__(self):`,
    `        super().__init__()`,
    ...init.map((l) => `        ${l}`),
    ...(init.length ? [] : ['        pass']),
    '',
    `    def forward(self, x):`,
    ...[...channelsFirstNote(plan, 'PyTorch', 'x.permute'), ...timeMajorNote(plan)].map((l) => `        # ${l}`),
    ...body.map((l) => `        ${l}`),
    `        return ${v.of(g.output)}`,
    ...stubMethods(plan),
  ];
  if (withWeights) lines.push(...withWeights.split('\n'));
  lines.push('', '', 'if __name__ == "__main__":', `    model = ${cls}()`);
  if (withWeights) lines.push('    # load_weights(model, "weights-file")  # the source framework\'s saved weights');
  lines.push(`    x = ${demoInput(plan, inShape)}`, '    model.eval()', '    with torch.no_grad():', '        y = model(x)',
    '    print("output shape:", tuple(y.shape))', '    print("parameters:", sum(p.numel() for p in model.parameters()))', '');
  return { code: lines.join('\n'), className: cls, applied };
}

function demoInput(plan: Plan, shape: (number | string | null)[]): string {
  const dims = shape.map((d, i) => (i === batchAxis(plan) ? demoBatch(plan.graph) : d));
  const input = plan.graph.nodes[0].op;
  if (input.kind === 'input' && input.dtype === 'int') {
    const emb = plan.graph.nodes.find((n) => n.inputs.includes(0) && n.op.kind === 'embedding')?.op;
    const hi = emb?.kind === 'embedding' ? emb.inputDim : 2;
    return `torch.randint(0, ${hi}, ${pyTuple(dims as number[])})`;
  }
  return `torch.randn(${dims.join(', ')})`;
}

/**
 * Keras' GRU(reset_after=False) as explicit PyTorch code: nn.GRU applies the reset gate after the
 * recurrent matmul, this cell before it (Keras' formula, checked against Keras in the port oracle).
 */
const GRU_RESET_BEFORE = [
  'class GRUResetBefore(nn.Module):',
  '    """Keras\' GRU(reset_after=False), which nn.GRU cannot compute.',
  '',
  '    The reset gate scales the state before the recurrent matmul:',
  '    candidate = tanh(W_h x + b_h + U_h (r * h)); nn.GRU computes',
  '    tanh(W_h x + b_ih + r * (U_h h + b_hh)). Gates in Keras\' order z, r, h,',
  '    one bias (in `kernel`); returns every step, (batch, time, hidden).',
  '    """',
  '',
  '    def __init__(self, input_size, hidden_size):',
  '        super().__init__()',
  '        self.hidden_size = hidden_size',
  '        self.kernel = nn.Linear(input_size, 3 * hidden_size)',
  '        self.recurrent_zr = nn.Linear(hidden_size, 2 * hidden_size, bias=False)',
  '        self.recurrent_h = nn.Linear(hidden_size, hidden_size, bias=False)',
  '',
  '    def forward(self, x):',
  '        h = torch.zeros(x.shape[0], self.hidden_size, dtype=x.dtype, device=x.device)',
  '        projected = self.kernel(x)',
  '        steps = []',
  '        for t in range(x.shape[1]):',
  '            x_z, x_r, x_h = projected[:, t].chunk(3, dim=-1)',
  '            h_z, h_r = self.recurrent_zr(h).chunk(2, dim=-1)',
  '            z = torch.sigmoid(x_z + h_z)',
  '            r = torch.sigmoid(x_r + h_r)',
  '            candidate = torch.tanh(x_h + self.recurrent_h(r * h))',
  '            h = z * h + (1 - z) * candidate',
  '            steps.append(h)',
  '        return torch.stack(steps, dim=1)',
  '',
  '',
];

function torchModule(op: PortOp, n: PortNode, plan: Plan): string | null {
  switch (op.kind) {
    case 'conv': {
      const args = [String(op.inChannels), String(op.filters), `kernel_size=${pySize(op.kernel)}`];
      if (op.strides.some((s) => s !== 1)) args.push(`stride=${pySize(op.strides)}`);
      if (!asymmetric(op.padBefore, op.padAfter) && anyPad(op.padBefore, op.padAfter)) args.push(`padding=${pySize(op.padBefore)}`);
      if (op.dilation.some((d) => d !== 1)) args.push(`dilation=${pySize(op.dilation)}`);
      if (op.groups !== 1) args.push(`groups=${op.groups}`);
      if (!op.bias) args.push('bias=False');
      return `nn.Conv${op.rank}d(${args.join(', ')})`;
    }
    case 'dense':
      return `nn.Linear(${op.inFeatures}, ${op.units}${op.bias ? '' : ', bias=False'})`;
    case 'convT': {
      const args = [String(op.inChannels), String(op.filters), `kernel_size=${pySize(op.kernel)}`];
      if (op.strides.some((s) => s !== 1)) args.push(`stride=${pySize(op.strides)}`);
      if (op.cropBefore.some((b) => b !== 0)) args.push(`padding=${pySize(op.cropBefore)}`);
      const extra = op.cropBefore.map((b, i) => b - op.cropAfter[i]);
      if (extra.some((e) => e !== 0)) args.push(`output_padding=${pySize(extra)}`);
      if (op.groups !== 1) args.push(`groups=${op.groups}`);
      if (!op.bias) args.push('bias=False');
      if (op.dilation.some((d) => d !== 1)) args.push(`dilation=${pySize(op.dilation)}`);
      return `nn.ConvTranspose${op.rank}d(${args.join(', ')})`;
    }
    case 'upsample':
      return `nn.Upsample(scale_factor=${op.scale.every((s) => s === op.scale[0]) ? op.scale[0] : pyTuple(op.scale)}, mode='${op.mode}'${op.alignCorners ? ', align_corners=True' : ''})`;
    case 'layernorm':
      return `nn.LayerNorm(${op.size}, eps=${op.eps}${op.affine ? '' : ', elementwise_affine=False'})`;
    case 'mha': {
      const args = [String(op.embed), String(op.heads)];
      if (op.dropout) args.push(`dropout=${op.dropout}`);
      if (!op.bias) args.push('bias=False');
      return `nn.MultiheadAttention(${args.join(', ')}, batch_first=True)`;
    }
    case 'prelu':
      return `nn.PReLU(${op.channels === 1 ? '' : op.channels})`;
    case 'groupnorm': {
      // One channel per group on a feature map is instance normalisation, PyTorch's InstanceNorm*d (no running statistics).
      const rank = (n.shape?.length ?? 0) - 2;
      if (op.groups === op.channels && rank >= 1 && rank <= 3) return `nn.InstanceNorm${rank}d(${op.channels}, eps=${op.eps}${op.affine ? ', affine=True' : ''})`;
      return `nn.GroupNorm(${op.groups}, ${op.channels}, eps=${op.eps}${op.affine ? '' : ', affine=False'})`;
    }
    case 'pool': {
      const args = [`kernel_size=${pySize(op.kernel)}`];
      if (op.strides.some((s, i) => s !== op.kernel[i])) args.push(`stride=${pySize(op.strides)}`);
      if (!asymmetric(op.padBefore, op.padAfter) && anyPad(op.padBefore, op.padAfter)) {
        args.push(`padding=${pySize(op.padBefore)}`);
        if (excludesPad(op)) args.push('count_include_pad=False');
      }
      return `nn.${op.mode === 'max' ? 'Max' : 'Avg'}Pool${op.rank}d(${args.join(', ')})`;
    }
    case 'dropout':
      return op.spatial ? `nn.Dropout${op.spatial}d(${op.rate})` : `nn.Dropout(${op.rate})`;
    case 'bn': {
      const rank = Math.max(1, (n.shape?.length ?? 3) - 2);
      const args = [String(op.channels), `eps=${op.eps}`, `momentum=${round(1 - op.momentum)}`];
      if (!op.affine) args.push('affine=False');
      return `nn.BatchNorm${rank}d(${args.join(', ')})`;
    }
    case 'embedding':
      return `nn.Embedding(${op.inputDim}, ${op.outputDim})`;
    case 'rnn': {
      if (op.resetBefore) return `GRUResetBefore(${op.inFeatures}, ${op.units})`;
      const args = [String(op.inFeatures), String(op.units)];
      if (op.layers > 1) args.push(`num_layers=${op.layers}`);
      // A time-major port keeps PyTorch's default batch_first=False, like its source.
      if (!plan.timeMajor) args.push('batch_first=True');
      if (op.bidirectional) args.push('bidirectional=True');
      if (op.dropout > 0) args.push(`dropout=${op.dropout}`);
      if (!op.bias) args.push('bias=False');
      return `nn.${op.cell === 'lstm' ? 'LSTM' : op.cell === 'gru' ? 'GRU' : 'RNN'}(${args.join(', ')})`;
    }
    default:
      return null;
  }
}

export function round(x: number): number {
  return Math.round(x * 1e9) / 1e9;
}

/** Short comments where the frameworks differ, right above the statement. */
function opComments(plan: Plan, n: PortNode): string[] {
  return n.op.kind === 'conv' ? [...catalogueNotes(plan, n, 'PyTorch'), ...differences(plan, n)] : differences(plan, n);
}

function differences(plan: Plan, n: PortNode): string[] {
  const op = n.op;
  const from = origin(n);
  switch (op.kind) {
    case 'conv': case 'pool':
      if (!anyPad(op.padBefore, op.padAfter)) return [];
      if (op.kind === 'pool' && excludesPad(op)) return excludePadNote(from, op, 'PyTorch');
      if (asymmetric(op.padBefore, op.padAfter)) {
        return [`${from}: ${asymmetricWhy(plan)} ${padWords(op.padBefore, op.padAfter)} here;`, "PyTorch's padding= is symmetric, so F.pad pads explicitly."];
      }
      return [`${from}: 'same' padding = ${pySize(op.padBefore)} on each side (symmetric for this kernel).`];
    case 'flatten':
      return flattenNote(plan, n, 'PyTorch');
    case 'bn':
      return [`${from}: Keras/Gluon momentum ${op.momentum} keeps that share of the running stats;`, `PyTorch's momentum is the share of the new batch: ${round(1 - op.momentum)}.`];
    case 'act':
      return op.fn === 'softmax' ? softmaxNote('nn.CrossEntropyLoss') : [];
    case 'rnn':
      return rnnNote(op, 'PyTorch', plan);
    case 'dropout':
      return ['Dropout is active in model.train() and off in model.eval(), like Keras at fit/predict.', ...catalogueNotes(plan, n, 'PyTorch')];
    default:
      return catalogueNotes(plan, n, 'PyTorch');
  }
}

/** Why a source pads one side more: TensorFlow's 'same' (even kernel or stride > 1), or MXNet's 'full' pooling. */
export function asymmetricWhy(plan: Plan): string {
  return plan.graph.symbolic ? "pooling_convention='full' rounds the output up: it pads" : "TensorFlow's 'same' (even kernel or stride > 1) pads";
}

export function padWords(before: number[], after: number[]): string {
  return `(before, after) = ${before.map((b, i) => `(${b}, ${after[i]})`).join(', ')} per spatial axis`;
}

function forwardLines(plan: Plan, n: PortNode, op: PortOp, attr: string, x: string, ins: string[], out: string): string[] {
  const rank = plan.graph.nodes[n.inputs[0]]?.shape?.length ?? 0;
  switch (op.kind) {
    case 'conv': case 'pool': {
      const lines: string[] = [];
      const divided = op.kind === 'pool' && excludesPad(op) && asymmetric(op.padBefore, op.padAfter);
      if (asymmetric(op.padBefore, op.padAfter)) {
        const pads = pyTuple(torchPadArgs(op.padBefore, op.padAfter));
        if (divided) lines.push(`count = F.avg_pool${op.rank}d(F.pad(torch.ones_like(${x}[:, :1]), ${pads}), ${pySize(op.kernel)}, ${pySize(op.strides)})`);
        lines.push(`${x} = F.pad(${x}, ${pads}${op.kind === 'pool' && op.mode === 'max' ? ", value=float('-inf')" : ''})`);
      }
      lines.push(`${out} = self.${attr}(${x})${divided ? ' / count' : ''}`);
      return lines;
    }
    case 'dense': case 'dropout': case 'bn': case 'embedding': case 'convT': case 'upsample': case 'layernorm': case 'prelu': case 'groupnorm':
      return [`${out} = self.${attr}(${x})`];
    case 'mha':
      return [`${out}, _ = self.${attr}(${ins.join(', ')}, need_weights=False)`];
    case 'crop':
      // Negative widths make F.pad crop (a slice would do the same, but shapelint reads F.pad back).
      return [`${out} = F.pad(${x}, ${pyTuple(torchPadArgs(op.before.map((b) => -b), op.after.map((a) => -a)))})`];
    case 'rnn':
      return [...rnnInputLines(plan, op, x, 'torch'), `${out}${op.resetBefore ? '' : ', _'} = self.${attr}(${x})`, ...rnnOutputLines(op, out, 'torch')];
    case 'reverse':
      return [`${out} = ${reverseExpr(plan, x, 'torch')}`];
    case 'gpool': {
      const dims = pyTuple(Array.from({ length: op.rank }, (_, i) => i + 2));
      return [`${out} = ${x}.${op.mode === 'max' ? 'amax' : 'mean'}(dim=${dims})`];
    }
    case 'flatten': {
      const axes = flattenReorder(plan, n);
      return [`${out} = torch.flatten(${axes ? `${x}.permute(${axes.join(', ')})` : x}, 1)`];
    }
    case 'act': {
      if (op.fn === 'softmax') return [`${out} = torch.softmax(${x}, dim=${rank >= 3 && plan.layout[n.inputs[0]] === 'cf' ? 1 : -1})`];
      if (op.fn === 'leaky_relu') return [`${out} = F.leaky_relu(${x}, ${op.alpha})`];
      return [`${out} = ${TORCH_ACT[op.fn].replace('X', x)}`];
    }
    case 'zeropad':
      return [`${out} = F.pad(${x}, ${pyTuple(torchPadArgs(op.before, op.after))})`];
    case 'reshape':
      return [`${out} = ${x}.reshape(${x}.size(0), ${op.target.join(', ')})`];
    case 'permute':
      return [`${out} = ${x}.permute(0, ${op.dims.join(', ')})`];
    case 'concat': {
      const axis = targetAxis(plan, n, op.axis);
      return [`${out} = torch.cat([${ins.join(', ')}], dim=${axis})`];
    }
    case 'add':
      return [`${out} = ${ins.join(' + ')}`];
    case 'repeat':
      return [`${out} = ${x}.unsqueeze(1).repeat(1, ${op.times}, 1)`];
    case 'slice':
      return [`${out} = ${x}[${sliceIndex(plan, n, op)}]`];
    case 'merge':
      return [`${out} = ${mergeExpr(op.fn, ins, 'torch.maximum', 'torch.minimum')}`];
    case 'relayout':
      // The source's transpose between channels-first and -last: the port places its own.
      return out === x ? [] : [`${out} = ${x}`];
    case 'stub':
      return [...stubLines(plan, n, 'torch'), `${out} = self.${attr}(${x})`];
    default:
      return [`${out} = ${x}`];
  }
}

/** The index of a slice node in the target's layout: `:, :, 1:5` (an int for an index, the end left out at the axis' end). */
export function sliceIndex(plan: Plan, n: PortNode, op: Extract<PortOp, { kind: 'slice' }>): string {
  const input = plan.graph.nodes[n.inputs[0]].shape ?? [];
  const axis = targetAxis(plan, n, op.axis, input.length);
  const pick = op.index ? String(op.begin) : `${op.begin || ''}:${op.end === input[op.axis] ? '' : op.end}`;
  return [...new Array(axis).fill(':'), pick].join(', ');
}

/** An element-wise merge of the inputs (`max`/`min`: the framework's pairwise function, folded). */
export function mergeExpr(fn: MergeFn, ins: string[], max: string, min: string): string {
  switch (fn) {
    case 'mul':
      return ins.join(' * ');
    case 'sub':
      return `${ins[0]} - ${ins[1]}`;
    case 'avg':
      return `(${ins.join(' + ')}) / ${ins.length}`;
    default:
      return ins.slice(1).reduce((acc, x) => `${fn === 'max' ? max : min}(${acc}, ${x})`, ins[0]);
  }
}

/** F.pad's order: the last axis first, (before, after) each. */
export function torchPadArgs(before: number[], after: number[]): number[] {
  const out: number[] = [];
  for (let i = before.length - 1; i >= 0; i--) out.push(before[i], after[i]);
  return out;
}

/** A channels-last axis in the target's layout of the node's inputs. */
export function targetAxis(plan: Plan, n: PortNode, axis: number, rank = n.shape?.length ?? 0): number {
  if (plan.inputLayout[n.id] !== 'cf' || rank < 3) return axis;
  return axis === rank - 1 ? 1 : axis === 0 ? 0 : axis + 1;
}

/** Stubs: a method that raises, stating the shapes it must produce. */
function stubMethods(plan: Plan): string[] {
  const out: string[] = [];
  for (const n of plan.graph.nodes) {
    if (n.op.kind !== 'stub') continue;
    const shape = targetShape(plan, n.id);
    out.push('', `    def ${plan.attr[n.id]}(self, x):`, `        # NOT PORTED: ${origin(n)}: ${n.op.reason}.`,
      `        raise NotImplementedError("shapelint port: write ${n.type} '${n.name}' here; it must return shape ${shapeText(shape)}")`);
  }
  return out;
}
