/**
 * Linear layers, flatten/unflatten, dropout and shape-preserving activations.
 */
import { isKnown } from '../../shapes';
import type { Dim, Shape } from '../../types';
import { asInt, type ArgValue, type BoundArgs, type LayerDef, type LayerIssue, type LayerOutcome, type ParamSpec, type TensorValue } from '../types';
import {
  asBool,
  dimRangeMessage,
  failed,
  firstTensor,
  inputShape,
  issue,
  knownProduct,
  msgDim,
  negativeWeightIssue,
  normAxis,
  out,
  showShape,
} from './common';
import { applyUnflattenOp } from './split';

/** The `mat1 and mat2` message: mat1 is the input folded to 2-D, mat2 is weight.T. */
export function matmulIssue(shape: Shape, inF: number, outF: Dim, layer: string, fixable: boolean): LayerIssue | null {
  const last = shape.dims.length > 0 ? shape.dims[shape.dims.length - 1] : null;
  if (!isKnown(last) || last === inF) return null;
  const lead = shape.dims.slice(0, -1);
  const rows = shape.open ? '?' : lead.length === 1 && lead[0] === 'N' ? 'N' : msgDim(knownProduct(lead));
  const fixes = fixable
    ? [{ kind: 'set-arg' as const, name: 'in_features', value: String(last), title: `Set in_features=${last}`, applicability: 'safe' as const }]
    : undefined;
  return issue(
    'features-mismatch',
    `mat1 and mat2 shapes cannot be multiplied (${rows}x${last} and ${inF}x${msgDim(outF)})`,
    [`${layer} expects ${inF} input features (in_features=${inF}) but the tensor ${showShape(shape)} has ${last} in its last axis.`],
    { fixes },
  );
}

function linearOut(shape: Shape, outF: Dim): Shape {
  return { dims: [...shape.dims.slice(0, -1), outF], open: shape.open };
}

function applyLinear(args: BoundArgs, inputs: (TensorValue | ArgValue)[], state: Record<string, Dim> | undefined, lazy: boolean): LayerOutcome {
  const stateIn = state?.in_features;
  let inF = lazy ? (typeof stateIn === 'number' ? stateIn : null) : asInt(args.get('in_features'));
  const outF = asInt(args.get('out_features'));
  const bias = asBool(args.get('bias'));
  const shape = firstTensor(inputs)?.shape ?? null;
  let newState: Record<string, Dim> | undefined;
  if (lazy && inF === null && shape && shape.dims.length > 0) {
    const last = shape.dims[shape.dims.length - 1];
    inF = isKnown(last) ? last : null;
    newState = { in_features: inF };
  }
  const params = inF !== null && outF !== null && bias !== null ? inF * outF + (bias ? outF : 0) : null;
  if (!shape) return { ...out(null, { params }), state: newState };
  if (!shape.open && shape.dims.length === 0) return { ...out(null, { params }), state: newState };
  const bad = inF === null ? null : matmulIssue(shape, inF, outF, lazy ? 'LazyLinear' : 'Linear', !lazy);
  if (bad) return { ...failed(bad, params), state: newState };
  return { ...out(linearOut(shape, outF), { params }), state: newState };
}

function applyBilinear(args: BoundArgs, inputs: (TensorValue | ArgValue)[]): LayerOutcome {
  const in1 = asInt(args.get('in1_features')), in2 = asInt(args.get('in2_features')), o = asInt(args.get('out_features'));
  const bias = asBool(args.get('bias'));
  const params = in1 !== null && in2 !== null && o !== null && bias !== null ? in1 * in2 * o + (bias ? o : 0) : null;
  const shape = firstTensor(inputs)?.shape ?? null;
  return out(shape ? linearOut(shape, o) : null, { params });
}

/** Flatten's axis resolution shared by nn.Flatten, torch.flatten and Tensor.flatten. */
export function flattenShape(shape: Shape, start: number, end: number): Shape | LayerIssue {
  if (shape.open) {
    // Only an all-negative range can be located on an open shape.
    if (start < 0 && end < 0 && -start <= shape.dims.length && start <= end) {
      const i = shape.dims.length + start, j = shape.dims.length + end;
      return { dims: [...shape.dims.slice(0, i), knownProduct(shape.dims.slice(i, j + 1)), ...shape.dims.slice(j + 1)], open: true };
    }
    return end === -1 && start >= 0 ? { dims: new Array(start + 1).fill(null), open: false } : { dims: [], open: true };
  }
  const r = shape.dims.length;
  const rr = Math.max(r, 1);
  const s = normAxis(start, rr), e = normAxis(end, rr);
  if (s === null) return issue('rank-mismatch', dimRangeMessage(start, r), [`flatten(start_dim=${start}) on a ${r}-D tensor ${showShape(shape)}.`]);
  if (e === null) return issue('rank-mismatch', dimRangeMessage(end, r), [`flatten(end_dim=${end}) on a ${r}-D tensor ${showShape(shape)}.`]);
  if (s > e) return issue('invalid-argument', 'flatten() has invalid args: start_dim cannot come after end_dim', [`start_dim=${start}, end_dim=${end}`]);
  if (r === 0) return { dims: [1], open: false };
  const mid = shape.dims.slice(s, e + 1);
  const folded = mid.length === 1 ? mid[0] : knownProduct(mid);
  return { dims: [...shape.dims.slice(0, s), folded, ...shape.dims.slice(e + 1)], open: false };
}

export function applyFlatten(shape: Shape | null, startV: ArgValue | undefined, endV: ArgValue | undefined): LayerOutcome {
  const start = asInt(startV), end = asInt(endV);
  if (!shape || start === null || end === null) return out(null);
  const r = flattenShape(shape, start, end);
  return 'rule' in r ? failed(r) : out(r);
}

/** A shape-preserving module or op (activations, dropout, identity, casts). */
function preserving(names: string[], params: ParamSpec[], kind: 'layer' | 'op', inputName = 'input'): LayerDef {
  return {
    framework: 'torch',
    names,
    params,
    kind,
    apply: (args, inputs) => out(inputShape(args, inputs, inputName)),
  };
}

const ACTIVATIONS: [string, ParamSpec[]][] = [
  ['ReLU', [{ name: 'inplace', default: false }]],
  ['ReLU6', [{ name: 'inplace', default: false }]],
  ['LeakyReLU', [{ name: 'negative_slope', default: 0.01 }, { name: 'inplace', default: false }]],
  ['PReLU', [{ name: 'num_parameters', default: 1 }, { name: 'init', default: 0.25 }]],
  ['ELU', [{ name: 'alpha', default: 1.0 }, { name: 'inplace', default: false }]],
  ['CELU', [{ name: 'alpha', default: 1.0 }, { name: 'inplace', default: false }]],
  ['SELU', [{ name: 'inplace', default: false }]],
  ['GELU', [{ name: 'approximate', default: 'none' }]],
  ['SiLU', [{ name: 'inplace', default: false }]],
  ['Mish', [{ name: 'inplace', default: false }]],
  ['Sigmoid', []],
  ['Tanh', []],
  ['Hardswish', [{ name: 'inplace', default: false }]],
  ['Hardsigmoid', [{ name: 'inplace', default: false }]],
  ['Hardtanh', [{ name: 'min_val', default: -1.0 }, { name: 'max_val', default: 1.0 }, { name: 'inplace', default: false }]],
  ['Softplus', [{ name: 'beta', default: 1.0 }, { name: 'threshold', default: 20.0 }]],
  ['Softsign', []],
  ['Tanhshrink', []],
  ['LogSigmoid', []],
  ['Softmax', [{ name: 'dim', default: null }]],
  ['LogSoftmax', [{ name: 'dim', default: null }]],
  ['Softmin', [{ name: 'dim', default: null }]],
  ['Hardshrink', [{ name: 'lambd', default: 0.5 }]],
  ['Softshrink', [{ name: 'lambd', default: 0.5 }]],
  ['Threshold', [{ name: 'threshold' }, { name: 'value' }, { name: 'inplace', default: false }]],
  ['RReLU', [{ name: 'lower', default: 1 / 8 }, { name: 'upper', default: 1 / 3 }, { name: 'inplace', default: false }]],
  ['FeatureAlphaDropout', [{ name: 'p', default: 0.5 }, { name: 'inplace', default: false }]],
  ['Identity', []],
  ['Dropout', [{ name: 'p', default: 0.5 }, { name: 'inplace', default: false }]],
  ['Dropout1d', [{ name: 'p', default: 0.5 }, { name: 'inplace', default: false }]],
  ['Dropout2d', [{ name: 'p', default: 0.5 }, { name: 'inplace', default: false }]],
  ['Dropout3d', [{ name: 'p', default: 0.5 }, { name: 'inplace', default: false }]],
  ['AlphaDropout', [{ name: 'p', default: 0.5 }, { name: 'inplace', default: false }]],
];

function prelu(): LayerDef {
  const base = preserving(['torch.nn.PReLU'], ACTIVATIONS.find((a) => a[0] === 'PReLU')![1], 'layer');
  return { ...base, apply: (args, inputs) => ({ ...out(inputShape(args, inputs, 'input')), params: asInt(args.get('num_parameters')) }) };
}

function softmax2d(): LayerDef {
  return {
    framework: 'torch',
    names: ['torch.nn.Softmax2d'],
    params: [],
    kind: 'layer',
    apply: (_args, inputs) => {
      const shape = firstTensor(inputs)?.shape ?? null;
      if (shape && !shape.open && shape.dims.length !== 3 && shape.dims.length !== 4)
        return failed(issue('rank-mismatch', `Softmax2d: expected input to be 3D or 4D, got ${shape.dims.length}D instead`, [`Softmax2d takes (C, H, W) or (N, C, H, W); got ${showShape(shape)}.`]));
      return out(shape);
    },
  };
}

/** Elementwise functional ops that keep the input shape. */
const ELEMENTWISE_FNS: [string[], ParamSpec[]][] = [
  [['relu', 'relu_', 'relu6', 'selu', 'silu', 'mish', 'hardswish', 'hardsigmoid', 'elu', 'celu'], [{ name: 'input' }, { name: 'inplace', default: false }]],
  [['leaky_relu'], [{ name: 'input' }, { name: 'negative_slope', default: 0.01 }, { name: 'inplace', default: false }]],
  [['gelu'], [{ name: 'input' }, { name: 'approximate', default: 'none' }]],
  [['sigmoid', 'tanh', 'softsign', 'logsigmoid', 'tanhshrink'], [{ name: 'input' }]],
  [['softmax', 'log_softmax', 'softmin'], [{ name: 'input' }, { name: 'dim', default: null }, { name: '_stacklevel', default: 3 }, { name: 'dtype', default: null }]],
  [['dropout', 'dropout1d', 'dropout2d', 'dropout3d', 'alpha_dropout'], [{ name: 'input' }, { name: 'p', default: 0.5 }, { name: 'training', default: true }, { name: 'inplace', default: false }]],
  [['normalize'], [{ name: 'input' }, { name: 'p', default: 2.0 }, { name: 'dim', default: 1 }, { name: 'eps', default: 1e-12 }]],
  // Further elementwise functions: only `input` matters for the shape.
  [
    ['hardtanh', 'hardtanh_', 'softplus', 'hardshrink', 'softshrink', 'threshold', 'threshold_', 'rrelu', 'rrelu_', 'gumbel_softmax', 'celu_', 'elu_', 'leaky_relu_', 'selu_', 'feature_alpha_dropout', 'prelu'],
    [{ name: 'input' }, { name: 'rest', variadic: true }],
  ],
];

const TORCH_ELEMENTWISE: [string[], ParamSpec[]][] = [
  [['relu', 'relu_', 'sigmoid', 'tanh', 'exp', 'log', 'abs', 'neg', 'sqrt', 'sin', 'cos', 'square', 'sign', 'floor', 'ceil', 'round', 'selu',
    'tan', 'log1p', 'expm1', 'rsqrt', 'reciprocal', 'erf', 'trunc', 'sinh', 'cosh', 'asin', 'acos', 'atan', 'log2', 'log10', 'exp2', 'logit'], [{ name: 'input' }]],
  [['softmax', 'log_softmax'], [{ name: 'input' }, { name: 'dim', default: null }, { name: 'dtype', default: null }]],
  [['clamp', 'clip'], [{ name: 'input' }, { name: 'min', default: null }, { name: 'max', default: null }]],
  [['dropout'], [{ name: 'input' }, { name: 'p', default: 0.5 }, { name: 'train', default: true }]],
];

export const coreLayers: LayerDef[] = [
  {
    framework: 'torch',
    names: ['torch.nn.Linear'],
    params: [{ name: 'in_features' }, { name: 'out_features' }, { name: 'bias', default: true }, { name: 'device', default: null }, { name: 'dtype', default: null }],
    kind: 'layer',
    construct: (args) => {
      const [i, o] = [asInt(args.get('in_features')), asInt(args.get('out_features'))];
      return negativeWeightIssue([o, i], `in_features=${i}, out_features=${o}`);
    },
    apply: (args, inputs, _env, state) => applyLinear(args, inputs, state, false),
  },
  {
    framework: 'torch',
    names: ['torch.nn.LazyLinear'],
    params: [{ name: 'out_features' }, { name: 'bias', default: true }, { name: 'device', default: null }, { name: 'dtype', default: null }],
    kind: 'layer',
    apply: (args, inputs, _env, state) => applyLinear(args, inputs, state, true),
  },
  {
    framework: 'torch',
    names: ['torch.nn.Bilinear'],
    params: [{ name: 'in1_features' }, { name: 'in2_features' }, { name: 'out_features' }, { name: 'bias', default: true }],
    kind: 'layer',
    apply: (args, inputs) => applyBilinear(args, inputs),
  },
  {
    framework: 'torch',
    names: ['torch.nn.Flatten'],
    params: [{ name: 'start_dim', default: 1 }, { name: 'end_dim', default: -1 }],
    kind: 'layer',
    apply: (args, inputs) => applyFlatten(firstTensor(inputs)?.shape ?? null, args.get('start_dim'), args.get('end_dim')),
  },
  {
    framework: 'torch',
    names: ['torch.nn.Unflatten'],
    params: [{ name: 'dim' }, { name: 'unflattened_size' }],
    kind: 'layer',
    apply: (args, inputs) => applyUnflattenOp(firstTensor(inputs)?.shape ?? null, args.get('dim'), args.get('unflattened_size')),
  },
  ...ACTIVATIONS.filter(([n]) => n !== 'PReLU').map(([n, p]) => preserving([`torch.nn.${n}`], p, 'layer')),
  prelu(),
  softmax2d(),
  ...ELEMENTWISE_FNS.map(([fns, p]) => preserving(fns.map((f) => `torch.nn.functional.${f}`), p, 'op')),
  ...TORCH_ELEMENTWISE.map(([fns, p]) => preserving(fns.map((f) => `torch.${f}`), p, 'op')),
];
