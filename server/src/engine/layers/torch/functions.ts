/**
 * Registrations of torch.* functions, torch.nn.functional.linear/conv and torch.Tensor
 * methods. Tensor methods receive the tensor as the first parameter, `self`.
 */
import { isKnown } from '../../shapes';
import type { Shape } from '../../types';
import { isTensor, UNKNOWN, type ArgValue, type BoundArgs, type LayerDef, type LayerOutcome, type ParamSpec, type TensorValue } from '../types';
import { failed, inputShape, out } from './common';
import { applyFlatten, matmulIssue } from './core';
import {
  applyBmm,
  applyBroadcast,
  applyCat,
  applyMatmul,
  applyMm,
  applyPermute,
  applyReduce,
  applyReshape,
  applySize,
  applySqueeze,
  applyStack,
  applyTranspose,
  applyUnsqueeze,
  sizeEntries,
} from './ops';

type Apply = (args: BoundArgs, inputs: (TensorValue | ArgValue)[]) => LayerOutcome;

function op(names: string[], params: ParamSpec[], apply: Apply): LayerDef {
  return { framework: 'torch', names, params, kind: 'op', apply: (args, inputs) => apply(args, inputs) };
}

const shapeOf = (args: BoundArgs, name: string): Shape | null => {
  const v = args.get(name);
  return isTensor(v) ? v.shape : null;
};

/** Registers `torch.<fn>` (receiver `input`) and `torch.Tensor.<fn>` (receiver `self`). */
function both(fns: string[], rest: ParamSpec[], apply: (args: BoundArgs, self: string) => LayerOutcome, methodRest: ParamSpec[] = rest): LayerDef[] {
  return [
    op(fns.map((f) => `torch.${f}`), [{ name: 'input' }, ...rest], (a) => apply(a, 'input')),
    op(fns.map((f) => `torch.Tensor.${f}`), [{ name: 'self' }, ...methodRest], (a) => apply(a, 'self')),
  ];
}

/** F.linear(input, weight, bias): weight is (out, in). */
function applyFLinear(args: BoundArgs, inputs: (TensorValue | ArgValue)[]): LayerOutcome {
  const shape = inputShape(args, inputs, 'input');
  const w = shapeOf(args, 'weight');
  if (!shape || !w || w.open || w.dims.length !== 2) return out(null);
  const [o, i] = w.dims;
  if (isKnown(i)) {
    const bad = matmulIssue(shape, i, o, 'F.linear', false);
    if (bad) return failed(bad);
  }
  return out({ dims: [...shape.dims.slice(0, -1), o], open: shape.open });
}

const SAME_SHAPE_METHODS = [
  'contiguous', 'float', 'double', 'half', 'bfloat16', 'long', 'int', 'bool', 'to', 'cuda', 'cpu', 'detach', 'clone',
  'relu', 'relu_', 'sigmoid', 'tanh', 'exp', 'log', 'abs', 'neg', 'sqrt', 'softmax', 'log_softmax', 'type', 'requires_grad_',
  'clamp', 'clip', 'pow', 'type_as', 'masked_fill', 'zero_', 'fill_', 'normal_', 'uniform_',
  // More elementwise methods and in-place updates (an in-place op keeps self's shape).
  'sin', 'cos', 'tan', 'log1p', 'expm1', 'rsqrt', 'reciprocal', 'sign', 'floor', 'ceil', 'round', 'square', 'erf', 'trunc',
  'exp_', 'abs_', 'sqrt_', 'tanh_', 'sigmoid_', 'clamp_', 'clip_', 'add_', 'sub_', 'mul_', 'div_', 'pow_', 'masked_fill_', 'copy_', 'detach_',
];

export const functionLayers: LayerDef[] = [
  op(['torch.flatten'], [{ name: 'input' }, { name: 'start_dim', default: 0 }, { name: 'end_dim', default: -1 }], (a) =>
    applyFlatten(shapeOf(a, 'input'), a.get('start_dim'), a.get('end_dim')),
  ),
  op(['torch.Tensor.flatten'], [{ name: 'self' }, { name: 'start_dim', default: 0 }, { name: 'end_dim', default: -1 }], (a) =>
    applyFlatten(shapeOf(a, 'self'), a.get('start_dim'), a.get('end_dim')),
  ),
  op(['torch.cat', 'torch.concat', 'torch.concatenate'], [{ name: 'tensors' }, { name: 'dim', default: 0 }], (a) => applyCat(a.get('tensors'), a.get('dim'))),
  op(['torch.stack'], [{ name: 'tensors' }, { name: 'dim', default: 0 }], (a) => applyStack(a.get('tensors'), a.get('dim'))),
  ...both(['add', 'sub', 'mul', 'div', 'maximum', 'minimum', 'subtract', 'multiply'], [{ name: 'other' }, { name: 'alpha', default: 1 }], (a, s) => applyBroadcast(a.get(s), a.get('other'))),
  ...both(['matmul'], [{ name: 'other' }], (a, s) => applyMatmul(a.get(s), a.get('other'))),
  ...both(['mm'], [{ name: 'mat2' }], (a, s) => applyMm(a.get(s), a.get('mat2'))),
  ...both(['bmm'], [{ name: 'mat2' }], (a, s) => applyBmm(a.get(s), a.get('mat2'))),
  op(['torch.reshape'], [{ name: 'input' }, { name: 'shape' }], (a) => applyReshape(shapeOf(a, 'input'), a.get('shape'))),
  op(['torch.Tensor.view', 'torch.Tensor.reshape'], [{ name: 'self' }, { name: 'shape', variadic: true }], (a) => applyReshape(shapeOf(a, 'self'), a.get('shape'))),
  op(['torch.Tensor.view_as', 'torch.Tensor.reshape_as', 'torch.Tensor.expand_as'], [{ name: 'self' }, { name: 'other' }], (a) => out(shapeOf(a, 'other'))),
  ...both(['transpose', 'swapaxes', 'swapdims'], [{ name: 'dim0' }, { name: 'dim1' }], (a, s) => applyTranspose(shapeOf(a, s), a.get('dim0'), a.get('dim1'))),
  ...both(['t'], [], (a, s) => {
    const shape = shapeOf(a, s);
    return shape && !shape.open && shape.dims.length === 2 ? out({ dims: [shape.dims[1], shape.dims[0]], open: false }) : out(shape && !shape.open && shape.dims.length < 2 ? shape : null);
  }),
  op(['torch.permute'], [{ name: 'input' }, { name: 'dims' }], (a) => applyPermute(shapeOf(a, 'input'), a.get('dims'))),
  op(['torch.Tensor.permute'], [{ name: 'self' }, { name: 'dims', variadic: true }], (a) => applyPermute(shapeOf(a, 'self'), a.get('dims'))),
  ...both(['squeeze'], [{ name: 'dim', default: null }], (a, s) => applySqueeze(shapeOf(a, s), a.get('dim'))),
  ...both(['unsqueeze'], [{ name: 'dim' }], (a, s) => applyUnsqueeze(shapeOf(a, s), a.get('dim'))),
  ...both(['mean', 'sum', 'amax', 'amin', 'prod', 'std', 'var', 'norm'], [{ name: 'dim', default: null }, { name: 'keepdim', default: false }], (a, s) => applyReduce(shapeOf(a, s), a.get('dim'), a.get('keepdim'))),
  op(['torch.Tensor.size'], [{ name: 'self' }, { name: 'dim', default: null }], (a) => applySize(shapeOf(a, 'self'), a.get('dim'))),
  op(['torch.Tensor.dim', 'torch.Tensor.ndimension'], [{ name: 'self' }], (a) => {
    const s = shapeOf(a, 'self');
    return { output: s && !s.open ? s.dims.length : UNKNOWN };
  }),
  op(SAME_SHAPE_METHODS.map((m) => `torch.Tensor.${m}`), [{ name: 'self' }, { name: 'args', variadic: true }], (a) => out(shapeOf(a, 'self'))),
  op(['torch.Tensor.expand'], [{ name: 'self' }, { name: 'sizes', variadic: true }], (a) => {
    const s = shapeOf(a, 'self');
    const sizes = sizeEntries(a.get('sizes'));
    if (!s || s.open || !sizes || sizes.length < s.dims.length) return out(null);
    const off = sizes.length - s.dims.length;
    return out({ dims: sizes.map((d, i) => (d === -1 ? (i >= off ? s.dims[i - off] : null) : d)), open: false });
  }),
  op(['torch.Tensor.repeat'], [{ name: 'self' }, { name: 'sizes', variadic: true }], (a) => {
    const s = shapeOf(a, 'self');
    const reps = sizeEntries(a.get('sizes'));
    if (!s || s.open || !reps || reps.length < s.dims.length) return out(null);
    const dims = [...new Array(reps.length - s.dims.length).fill(1), ...s.dims];
    return out({ dims: dims.map((d, i) => (isKnown(d) && isKnown(reps[i]) ? d * (reps[i] as number) : null)), open: false });
  }),
  op(['torch.nn.functional.linear'], [{ name: 'input' }, { name: 'weight' }, { name: 'bias', default: null }], applyFLinear),
];
