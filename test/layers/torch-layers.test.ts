/**
 * The torch catalogue on its own: defs applied directly (no interpreter), with numbers from
 * the spec and from running torch 2.13.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findLayer } from '../../server/src/engine/layers/index';
import { isTensor, tensor, UNKNOWN, type ArgValue, type LayerOutcome } from '../../server/src/engine/layers/types';
import { openShape, ranked } from '../../server/src/engine/shapes';
import type { Dim, Shape } from '../../server/src/engine/types';
import { bind, callOp, runChain, TORCH_ENV, torchDef, type LayerCall } from '../oracle/torch-chain';
import { analyzeText } from '../../server/src/engine/index';
import { loadParser } from '../../server/src/host/parser';

function apply(cls: string, pos: ArgValue[], input: Shape, kw: Record<string, ArgValue> = {}, state?: Record<string, Dim>): LayerOutcome {
  const d = torchDef(cls);
  return d.apply(bind(d, pos, kw), [tensor(input, 'torch')], TORCH_ENV, state);
}

function dims(o: LayerOutcome): Dim[] | null {
  const t = Array.isArray(o.output) ? o.output[0] : o.output;
  return isTensor(t) && t.shape ? t.shape.dims : null;
}

function chain(layers: LayerCall[], input: Dim[]) {
  return runChain(layers, ranked(input));
}

describe('torch convolution', () => {
  it('reports the NHWC channel mismatch with PyTorch message, explanation and safe fix', () => {
    const o = apply('Conv2d', [3, 128, 3], ranked([32, 80, 120, 3]));
    assert.equal(o.issue?.rule, 'channel-mismatch');
    assert.equal(o.issue?.message, 'Given groups=1, weight of size [128, 3, 3, 3], expected input[32, 80, 120, 3] to have 3 channels, but got 80 channels instead');
    assert.match(o.issue!.explanation[0], /expects 3 input channels \(in_channels=3\) but the tensor \(32, 80, 120, 3\) has 80/);
    assert.deepEqual(o.issue?.fixes?.[0], { kind: 'set-arg', name: 'in_channels', value: '80', title: 'Set in_channels=80', applicability: 'safe' });
    assert.equal(o.params, 3584);
  });

  it('computes (N,128,118,1) with the per-axis trace and 92,288 params', () => {
    const o = apply('Conv2d', [80, 128, 3], ranked(['N', 80, 120, 3]));
    assert.equal(o.issue, undefined);
    assert.deepEqual(dims(o), ['N', 128, 118, 1]);
    assert.deepEqual(o.trace?.[0], { axis: 'H', formula: '(120 + 2·0 − 1·(3 − 1) − 1)/1 + 1 = 118' });
    assert.deepEqual(o.axisNames, ['N', 'C', 'H', 'W']);
    assert.equal(o.params, 92288);
  });

  it('prints unbatched input with a batch of 1, as batchify does', () => {
    const o = apply('Conv2d', [3, 8, 3], ranked([80, 12, 3]));
    assert.match(o.issue!.message, /expected input\[1, 80, 12, 3\]/);
  });

  it('checks channels before the kernel, and the kernel against the padded input', () => {
    const both = apply('Conv2d', [3, 8, 7], ranked([2, 4, 5, 5]));
    assert.equal(both.issue?.rule, 'channel-mismatch');
    const k = apply('Conv2d', [3, 8, 7], ranked([2, 3, 5, 5]));
    assert.equal(k.issue?.message, "Calculated padded input size per channel: (5 x 5). Kernel size: (7 x 7). Kernel size can't be greater than actual input size");
    assert.equal(k.issue?.fixes?.[0].value, '1');
    assert.equal(k.issue?.fixes?.[0].applicability, 'unsafe');
  });

  it('rejects the wrong rank on closed shapes only', () => {
    assert.equal(apply('Conv2d', [3, 8, 3], ranked([3, 5])).issue?.message, 'Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: [3, 5]');
    const o = apply('Conv2d', [3, 8, 3], openShape([3, 32, 32]));
    assert.equal(o.issue, undefined);
    const t = o.output as { shape: Shape };
    assert.deepEqual(t.shape, { dims: [8, 30, 30], open: true });
    assert.equal(apply('Conv2d', [3, 8, 3], openShape([])).issue, undefined);
  });

  it('keeps unknown dims unknown without an issue', () => {
    const o = apply('Conv2d', [3, 8, 3], ranked([null, 3, null, 32]));
    assert.equal(o.issue, undefined);
    assert.deepEqual(dims(o), [null, 8, null, 30]);
    const c = apply('Conv2d', [3, 8, 3], ranked([2, null, 10, 10]));
    assert.equal(c.issue, undefined);
  });

  it('validates construction like _ConvNd.__init__', () => {
    const d = torchDef('Conv2d');
    const check = (pos: ArgValue[], kw: Record<string, ArgValue> = {}) => d.construct!(bind(d, pos, kw), TORCH_ENV)?.message ?? null;
    assert.equal(check([3, 8, 3], { stride: 2, padding: 'same' }), "padding='same' is not supported for strided convolutions");
    assert.equal(check([3, 8, 3], { padding: 'foo' }), "Invalid padding string 'foo', should be one of {'valid', 'same'}");
    assert.equal(check([3, 8, 3], { groups: 2 }), 'in_channels must be divisible by groups');
    assert.equal(check([4, 6, 3], { groups: 4 }), 'out_channels must be divisible by groups');
    assert.equal(check([3, 8, 3], { groups: 0 }), 'groups must be a positive integer');
    assert.equal(check([3, 8, 3], { padding: 'same' }), null);
  });

  it('handles transposed convolutions (dilation after bias) and output_padding', () => {
    assert.deepEqual(dims(apply('ConvTranspose2d', [3, 8, 3], ranked([2, 3, 5, 5]), { stride: 2, padding: 1, output_padding: 1 })), [2, 8, 10, 10]);
    assert.deepEqual(dims(apply('ConvTranspose1d', [3, 8, 3, 2, 1, 1, 1, true, 2], ranked([2, 3, 5]))), [2, 8, 12]);
    const bad = apply('ConvTranspose2d', [3, 8, 3], ranked([2, 3, 5, 5]), { stride: 2, output_padding: 2 });
    assert.match(bad.issue!.message, /^output padding must be smaller than either stride or dilation, but got output_padding_height: 2/);
    assert.match(apply('ConvTranspose2d', [3, 8, 3], ranked([2, 4, 5, 5])).issue!.message, /^Given transposed=1, weight of size \[3, 8, 3, 3\]/);
  });

  it('infers LazyConv2d in_channels on the first call and remembers it', () => {
    const first = apply('LazyConv2d', [128, 3], ranked([2, 80, 12, 12]));
    assert.deepEqual(first.state, { in_channels: 80 });
    assert.equal(first.params, 128 * 80 * 9 + 128);
    const again = apply('LazyConv2d', [128, 3], ranked([2, 3, 12, 12]), {}, first.state);
    assert.equal(again.issue?.rule, 'channel-mismatch');
  });
});

describe('torch pooling', () => {
  it('reports the too-small output of the §6.2 pool and accepts ceil_mode', () => {
    const o = apply('MaxPool2d', [2, 2], ranked(['N', 128, 118, 1]));
    assert.equal(o.issue?.message, 'Given input size: (128x118x1). Calculated output size: (128x59x0). Output size is too small');
    assert.equal(o.issue?.rule, 'kernel-exceeds-input');
    assert.deepEqual(dims(apply('MaxPool2d', [2, 2], ranked(['N', 128, 118, 1]), { ceil_mode: true })), ['N', 128, 59, 1]);
  });

  it('applies the ceil-mode correction (last window starts inside)', () => {
    assert.deepEqual(dims(apply('MaxPool2d', [2], ranked([2, 4, 3, 3]), { stride: 2, padding: 1, ceil_mode: true })), [2, 4, 2, 2]);
  });

  it('uses each pool variant’s own messages', () => {
    assert.equal(apply('MaxPool2d', [3], ranked([2, 4, 8, 8]), { padding: 2 }).issue?.message, 'pad should be at most half of effective kernel size, but got pad=2, kernel_size=3 and dilation=1');
    assert.equal(apply('MaxPool1d', [3], ranked([2, 4, 2])).issue?.message, 'max_pool1d() Invalid computed output size: 0');
    assert.equal(apply('AvgPool1d', [3], ranked([2, 4, 2])).issue?.message, 'Given input size: (4x1x2). Calculated output size: (4x1x0). Output size is too small');
    assert.equal(apply('AvgPool3d', [3], ranked([2, 4, 2, 5, 5])).issue?.message, 'input image (T: 2 H: 5 W: 5) smaller than kernel size (kT: 3 kH: 3 kW: 3)');
    assert.equal(apply('MaxPool2d', [2], ranked([3, 5])).issue?.message, 'non-empty 3D or 4D (batch mode) tensor expected for input');
  });

  it('adaptive pools keep a None entry', () => {
    assert.deepEqual(dims(apply('AdaptiveAvgPool2d', [[null, 3]], ranked([2, 4, 5, 7]))), [2, 4, 5, 3]);
  });
});

describe('torch linear, norm, rnn', () => {
  it('reports mat1/mat2 with the folded leading dims and a safe in_features fix', () => {
    const o = apply('Linear', [4096, 10], ranked([32, 9216]));
    assert.equal(o.issue?.message, 'mat1 and mat2 shapes cannot be multiplied (32x9216 and 4096x10)');
    assert.equal(o.issue?.fixes?.[0].value, '9216');
    assert.equal(apply('Linear', [5, 6], ranked([1, 5, 128, 16])).issue?.message, 'mat1 and mat2 shapes cannot be multiplied (640x16 and 5x6)');
    assert.equal(apply('Linear', [100, 2], ranked(['N', 200])).issue?.message, 'mat1 and mat2 shapes cannot be multiplied (Nx200 and 100x2)');
    assert.equal(apply('Linear', [100, 2], ranked(['N', 100])).params, 202);
  });

  it('LazyLinear infers in_features', () => {
    const o = apply('LazyLinear', [8], ranked([2, 5]));
    assert.deepEqual(o.state, { in_features: 5 });
    assert.equal(o.params, 48);
  });

  it('BatchNorm checks rank then channels; counts 2·C parameters', () => {
    const o = apply('BatchNorm2d', [64], ranked([2, 32, 4, 4]));
    assert.equal(o.issue?.message, 'running_mean should contain 32 elements not 64');
    assert.equal(o.params, 128);
    assert.equal(apply('BatchNorm2d', [64], ranked([2, 32, 4])).issue?.message, 'expected 4D input (got 3D input)');
    assert.equal(apply('BatchNorm1d', [64], ranked([2, 32, 4, 4])).issue?.message, 'expected 2D or 3D input (got 4D input)');
  });

  it('LayerNorm and GroupNorm', () => {
    assert.equal(apply('LayerNorm', [[3, 5]], ranked([2, 3, 4])).issue?.message, 'Given normalized_shape=[3, 5], expected input with shape [*, 3, 5], but got input of size[2, 3, 4]');
    const d = torchDef('GroupNorm');
    assert.equal(d.construct!(bind(d, [4, 6]), TORCH_ENV)?.message, 'num_channels (6) must be divisible by num_groups (4)');
  });

  it('RNN messages, outputs and parameter counts', () => {
    assert.equal(apply('LSTM', [10, 20], ranked([5, 3, 20])).issue?.message, 'input.size(-1) must be equal to input_size. Expected 10, got 20');
    const lstm = apply('LSTM', [10, 20, 2], ranked([5, 3, 10]), { bidirectional: true });
    assert.equal(lstm.params, 15040);
    assert.deepEqual(dims(lstm), [5, 3, 40]);
    const [, [h, c]] = lstm.output as [unknown, [{ shape: Shape }, { shape: Shape }]];
    assert.deepEqual(h.shape.dims, [4, 3, 20]);
    assert.deepEqual(c.shape.dims, [4, 3, 20]);
    assert.equal(apply('GRU', [10, 20], ranked([5, 3, 10])).params, 1920);
    assert.deepEqual(dims(apply('GRU', [10, 20], ranked([5, 3, 10]), { batch_first: true, bidirectional: true, num_layers: 2 })), [5, 3, 40]);
  });
});

describe('torch ops, methods and factories', () => {
  const t = (d: Dim[]) => tensor(ranked(d), 'torch');

  it('view/reshape infer -1, cancel the batch symbol, and report bad sizes', () => {
    assert.equal(callOp('torch.Tensor.view', [t([2, 3, 4]), 2, -1, 5]).issue?.message, "shape '[2, -1, 5]' is invalid for input of size 24");
    assert.deepEqual(dims(callOp('torch.Tensor.view', [t(['N', 3, 4]), 'N', -1])), ['N', 12]);
    assert.deepEqual(dims(callOp('torch.Tensor.reshape', [t([2, 3, 4]), [4, -1]])), [4, 6]);
    assert.deepEqual(dims(callOp('torch.reshape', [t([2, 3, 4]), [-1]])), [24]);
  });

  it('cat/stack/broadcast messages', () => {
    assert.equal(
      callOp('torch.cat', [[t([32, 3]), t([16, 3])], 1]).issue?.message,
      'Sizes of tensors must match except in dimension 1. Expected size 32 but got size 16 for tensor number 1 in the list.',
    );
    assert.deepEqual(dims(callOp('torch.cat', [[t([2, 3]), t([2, 5])]], { dim: 1 })), [2, 8]);
    assert.deepEqual(dims(callOp('torch.stack', [[t([2, 3]), t([2, 3])]])), [2, 2, 3]);
    assert.equal(callOp('torch.add', [t([2, 3]), t([4, 3])]).issue?.message, 'The size of tensor a (2) must match the size of tensor b (4) at non-singleton dimension 0');
  });

  it('flatten defaults differ between torch.flatten and nn.Flatten', () => {
    assert.deepEqual(dims(callOp('torch.flatten', [t([2, 3, 4])])), [24]);
    assert.deepEqual(dims(apply('Flatten', [], ranked([2, 3, 4]))), [2, 12]);
    assert.deepEqual(dims(callOp('torch.Tensor.flatten', [t([2, 3, 4]), 1])), [2, 12]);
  });

  it('size, permute, transpose, squeeze, unsqueeze, mean', () => {
    assert.equal(callOp('torch.Tensor.size', [t([2, 3]), 0]).output, 2);
    assert.deepEqual(callOp('torch.Tensor.size', [t([2, null])]).output, [2, UNKNOWN]);
    assert.deepEqual(dims(callOp('torch.Tensor.permute', [t([2, 3, 4]), 0, 2, 1])), [2, 4, 3]);
    assert.deepEqual(dims(callOp('torch.Tensor.transpose', [t([2, 3, 4]), 1, 2])), [2, 4, 3]);
    assert.deepEqual(dims(callOp('torch.Tensor.squeeze', [t([2, 1, 4])])), [2, 4]);
    assert.deepEqual(dims(callOp('torch.unsqueeze', [t([2, 4]), 1])), [2, 1, 4]);
    assert.deepEqual(dims(callOp('torch.Tensor.mean', [t([2, 3, 4])], { dim: [2, 3].map((x) => x - 1), keepdim: true })), [2, 1, 1]);
  });

  it('factories take varargs, one tuple or size=', () => {
    assert.deepEqual(dims(callOp('torch.randn', [2, 3])), [2, 3]);
    assert.deepEqual(dims(callOp('torch.zeros', [[2, 3]])), [2, 3]);
    assert.deepEqual(dims(callOp('torch.ones', [], { size: [4, 5] })), [4, 5]);
    assert.deepEqual(dims(callOp('torch.randint', [0, 10, [2, 5]])), [2, 5]);
    assert.deepEqual(dims(callOp('torch.randint', [10, [2, 5]])), [2, 5]);
    assert.deepEqual(dims(callOp('torch.full', [[2, 2], 7])), [2, 2]);
    assert.deepEqual(dims(callOp('torch.tensor', [[[1, 2, 3], [4, 5, 6]]])), [2, 3]);
    assert.deepEqual(dims(callOp('torch.from_numpy', [tensor(ranked([3, 4]), 'numpy')])), [3, 4]);
  });
});

describe('torch catalogue', () => {
  it('registers every name the interpreter resolves', () => {
    const names = [
      'Conv1d', 'Conv2d', 'Conv3d', 'ConvTranspose1d', 'ConvTranspose2d', 'ConvTranspose3d', 'LazyConv2d', 'MaxPool1d', 'MaxPool2d', 'MaxPool3d',
      'AvgPool1d', 'AvgPool2d', 'AvgPool3d', 'AdaptiveAvgPool1d', 'AdaptiveAvgPool2d', 'AdaptiveAvgPool3d', 'AdaptiveMaxPool2d', 'Flatten', 'Unflatten',
      'Linear', 'LazyLinear', 'Bilinear', 'Identity', 'Dropout', 'Dropout2d', 'BatchNorm1d', 'BatchNorm2d', 'BatchNorm3d', 'LayerNorm', 'GroupNorm',
      'InstanceNorm2d', 'ReLU', 'LeakyReLU', 'Sigmoid', 'Tanh', 'GELU', 'SiLU', 'ELU', 'Softmax', 'LogSoftmax', 'ReLU6', 'Hardswish', 'ZeroPad2d',
      'ConstantPad1d', 'ConstantPad2d', 'ConstantPad3d', 'ReflectionPad2d', 'ReplicationPad2d', 'Upsample', 'UpsamplingNearest2d', 'UpsamplingBilinear2d',
      'PixelShuffle', 'Embedding', 'LSTM', 'GRU', 'RNN', 'Softmax2d',
    ].map((n) => `torch.nn.${n}`);
    const fns = ['relu', 'relu_', 'leaky_relu', 'gelu', 'sigmoid', 'tanh', 'softmax', 'log_softmax', 'dropout', 'max_pool1d', 'max_pool2d', 'max_pool3d',
      'avg_pool1d', 'avg_pool2d', 'avg_pool3d', 'adaptive_avg_pool2d', 'adaptive_max_pool2d', 'interpolate', 'pad', 'linear', 'layer_norm'].map((f) => `torch.nn.functional.${f}`);
    const torchFns = ['flatten', 'cat', 'concat', 'stack', 'add', 'relu', 'sigmoid', 'tanh', 'softmax', 'squeeze', 'unsqueeze', 'reshape', 'transpose', 'permute',
      'matmul', 'mean', 'sum', 'randn', 'rand', 'zeros', 'ones', 'empty', 'full', 'randint', 'tensor', 'as_tensor', 'from_numpy'].map((f) => `torch.${f}`);
    const methods = ['view', 'reshape', 'flatten', 'permute', 'transpose', 'squeeze', 'unsqueeze', 'size', 'contiguous', 'mean', 'sum', 'relu', 'sigmoid',
      'softmax', 'float', 'to', 'cuda', 'cpu', 'detach', 'clone', 'expand', 'repeat'].map((m) => `torch.Tensor.${m}`);
    const missing = [...names, ...fns, ...torchFns, ...methods].filter((n) => !findLayer(n));
    assert.deepEqual(missing, []);
    for (const m of methods) assert.equal(findLayer(m)!.params[0].name, 'self', m);
  });

  it('stops a chain at the first failing layer', () => {
    const r = chain([{ cls: 'Conv2d', pos: [80, 128, 3] }, { cls: 'MaxPool2d', pos: [2, 2] }, { cls: 'Flatten' }], [4, 80, 120, 3]);
    assert.equal(r.failedAt, 1);
    assert.equal(r.steps.length, 2);
  });
});

describe('torch families of issue 7 (numbers from torch 2.13)', () => {
  const out = (o: LayerOutcome, i: number) => {
    const v = (o.output as ArgValue[])[i];
    return isTensor(v) && v.shape ? v.shape.dims : null;
  };

  it('MultiheadAttention: parameters with bias, kdim/vdim and add_bias_kv; weights averaged or per head', () => {
    const mha = torchDef('MultiheadAttention');
    const q = tensor(ranked([5, 2, 16]), 'torch');
    const run = (kw: Record<string, ArgValue>, call: ArgValue[]) => mha.apply(bind(mha, [16, 4], kw), call, TORCH_ENV, undefined);
    assert.equal(run({}, [q, q, q]).params, 1088);
    assert.equal(run({ bias: false }, [q, q, q]).params, 1024);
    assert.equal(run({ kdim: 8, vdim: 6 }, [q, q, q]).params, 800);
    assert.equal(run({ add_bias_kv: true }, [q, q, q]).params, 1120);
    const per = run({}, [q, q, q, null, true, null, false]);
    assert.deepEqual(out(per, 0), [5, 2, 16]);
    assert.deepEqual(out(per, 1), [2, 4, 5, 5]);
    assert.equal((run({}, [q, q, q, null, false]).output as ArgValue[])[1], null);
  });

  it('Transformer defaults count 44,140,544 parameters, as torch does', () => {
    const t = torchDef('Transformer');
    const o = t.apply(bind(t, []), [tensor(ranked([10, 2, 512]), 'torch'), tensor(ranked([7, 2, 512]), 'torch')], TORCH_ENV, undefined);
    assert.equal(o.params, 44140544);
    assert.deepEqual(dims(o), [7, 2, 512]);
  });

  it('chunk, tensor_split and split give torch\'s piece sizes', () => {
    const x = tensor(ranked([2, 7, 4]), 'torch');
    const sizes = (o: LayerOutcome) => (o.output as ArgValue[]).map((t) => (isTensor(t) && t.shape ? t.shape.dims[1] : null));
    assert.deepEqual(sizes(callOp('torch.chunk', [x, 4, 1])), [2, 2, 2, 1]);
    assert.deepEqual(sizes(callOp('torch.tensor_split', [x, 3], { dim: 1 })), [3, 2, 2]);
    assert.deepEqual(sizes(callOp('torch.tensor_split', [x, [5, 1]], { dim: 1 })), [5, 0, 6]);
    assert.deepEqual(sizes(callOp('torch.split', [x, 3, 1])), [3, 3, 1]);
    assert.equal((callOp('torch.Tensor.unbind', [x, 1]).output as ArgValue[]).length, 7);
  });

  it('an unknown split axis leaves the whole result unknown', () => {
    const x = tensor(ranked([2, null, 4]), 'torch');
    assert.equal(callOp('torch.chunk', [x, 3, 1]).output, UNKNOWN);
    assert.equal(callOp('torch.chunk', [x, 3, 1]).issue, undefined);
  });

  it('einsum: implicit output order, ellipsis broadcast, and the operand-rank message', () => {
    const t = (...d: Dim[]) => tensor(ranked(d), 'torch');
    assert.deepEqual(dims(callOp('torch.einsum', ['ba', t(3, 4)])), [4, 3]);
    assert.deepEqual(dims(callOp('torch.einsum', ['...ij,...jk->...ik', t(6, 2, 3, 4), t(2, 4, 5)])), [6, 2, 3, 5]);
    assert.equal(
      callOp('torch.einsum', ['bij,bjk->bik', t(3, 4), t(2, 4, 5)]).issue?.message,
      'einsum(): the number of subscripts in the equation (3) does not match the number of dimensions (2) for operand 0 and no ellipsis was given',
    );
  });

  it('matmul words each operand-rank case as ATen does', () => {
    const t = (...d: Dim[]) => tensor(ranked(d), 'torch');
    assert.match(callOp('torch.matmul', [t(3), t(4)]).issue!.message, /^inconsistent tensor size, expected tensor \[3\] and src \[4\]/);
    assert.equal(callOp('torch.matmul', [t(2, 3, 4), t(5)]).issue?.message, 'size mismatch, got input (6), mat (6x4), vec (5)');
    assert.equal(callOp('torch.matmul', [t(3), t(2, 4, 5)]).issue?.message, 'Expected size for first two dimensions of batch2 tensor to be: [2, 3] but got: [2, 4].');
    assert.equal(callOp('torch.matmul', [t(2, 3, 4), t(3, 4, 6)]).issue?.message, 'The size of tensor a (2) must match the size of tensor b (3) at non-singleton dimension 0');
    assert.deepEqual(dims(callOp('torch.matmul', [t(7, 1, 3, 4), t(2, 4, 6)])), [7, 2, 3, 6]);
    assert.equal(callOp('torch.mm', [t(2, 3, 4), t(4, 5)]).issue?.message, 'self must be a matrix');
  });
});

describe('torch models with modules the catalogue does not know', () => {
  let parser: Awaited<ReturnType<typeof loadParser>>;
  const analyze = async (src: string) => {
    parser ??= await loadParser('wasm');
    const r = analyzeText(parser, src);
    assert.equal(r.internalError, undefined);
    return r;
  };

  it('keep the model: the unknown layer is listed, later layers still run, and the total is unknown', async () => {
    const r = await analyze(`import torch
import torch.nn as nn
model = nn.Sequential(nn.Conv2d(3, 8, 3), nn.FutureBlock(8), nn.ReLU(), nn.Flatten())
y = model(torch.randn(2, 3, 10, 10))
`);
    assert.equal(r.diagnostics.length, 0);
    const m = r.models[0];
    assert.deepEqual(m.layers.map((l) => l.type), ['Conv2d', 'FutureBlock', 'ReLU', 'Flatten']);
    assert.equal(m.layers[1].params, null);
    assert.equal(m.layers[1].outputShape, null);
    assert.equal(m.totalParams, null);
  });

  it('count a known model exactly, and a loss module adds no unknown', async () => {
    const r = await analyze(`import torch
import torch.nn as nn
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 3)
        self.loss = nn.CrossEntropyLoss()
    def forward(self, x, y):
        return self.loss(self.fc(x), y)
net = Net()
out = net(torch.randn(2, 4), torch.zeros(2))
`);
    assert.equal(r.models[0].totalParams, 15);
  });
});
