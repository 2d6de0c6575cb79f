/**
 * Normalisation layers: BatchNorm{1,2,3}d, LayerNorm, GroupNorm, InstanceNorm{1,2,3}d.
 * Parameter counts follow `sum(p.numel())`: buffers (running stats) are not parameters.
 */
import { isKnown } from '../../shapes';
import type { Shape } from '../../types';
import { asInt, type ArgValue, type BoundArgs, type LayerDef, type LayerIssue, type LayerOutcome, type TensorValue } from '../types';
import { asBool, failed, firstTensor, inputShape, intList, issue, msgSizes, out, showShape } from './common';

function applyBatchNorm(nsp: number, args: BoundArgs, inputs: (TensorValue | ArgValue)[]): LayerOutcome {
  const nf = asInt(args.get('num_features'));
  const affine = asBool(args.get('affine'));
  const track = asBool(args.get('track_running_stats'));
  const params = nf !== null && affine !== null ? (affine ? 2 * nf : 0) : null;
  const shape = firstTensor(inputs)?.shape ?? null;
  if (!shape) return out(null, { params });
  const r = shape.dims.length;
  // _check_input_dim: BN1d takes 2-D or 3-D, BN2d 4-D, BN3d 5-D (no unbatched form).
  const ok = nsp === 1 ? [2, 3] : [nsp + 2];
  if (!shape.open && !ok.includes(r)) {
    const want = nsp === 1 ? '2D or 3D' : `${nsp + 2}D`;
    return failed(issue('rank-mismatch', `expected ${want} input (got ${r}D input)`, [`BatchNorm${nsp}d takes a ${want} input; got ${showShape(shape)}.`]), params);
  }
  const c = shape.open ? (nsp === 1 ? null : shape.dims[shape.dims.length - nsp - 1] ?? null) : shape.dims[1];
  if (nf !== null && track === true && isKnown(c) && c !== nf) {
    const fixes = [{ kind: 'set-arg' as const, name: 'num_features', value: String(c), title: `Set num_features=${c}`, applicability: 'safe' as const }];
    return failed(
      issue('channel-mismatch', `running_mean should contain ${c} elements not ${nf}`, [`BatchNorm${nsp}d(num_features=${nf}) but the tensor ${showShape(shape)} has ${c} channels at axis 1.`], { fixes }),
      params,
    );
  }
  return out(shape, { params });
}

function applyInstanceNorm(nsp: number, args: BoundArgs, inputs: (TensorValue | ArgValue)[]): LayerOutcome {
  const nf = asInt(args.get('num_features'));
  const affine = asBool(args.get('affine'));
  const params = nf !== null && affine !== null ? (affine ? 2 * nf : 0) : null;
  const shape = firstTensor(inputs)?.shape ?? null;
  if (!shape) return out(null, { params });
  const r = shape.dims.length;
  if (!shape.open && r !== nsp + 1 && r !== nsp + 2)
    return failed(issue('rank-mismatch', `expected ${nsp + 1}D or ${nsp + 2}D input (got ${r}D input)`, [`InstanceNorm${nsp}d got ${showShape(shape)}.`]), params);
  const featureDim = shape.open ? null : r - nsp - 1;
  const c = shape.dims[shape.dims.length - nsp - 1] ?? null;
  if (affine === true && nf !== null && isKnown(c) && c !== nf && featureDim !== null)
    return failed(
      issue('channel-mismatch', `expected input's size at dim=${featureDim} to match num_features (${nf}), but got: ${c}.`, [`InstanceNorm${nsp}d(num_features=${nf}) but the tensor ${showShape(shape)} has ${c} channels.`]),
      params,
    );
  const spatial = shape.open ? null : shape.dims.slice(r - nsp);
  // Without running stats the input statistics are always used, and need 2+ elements.
  if (asBool(args.get('track_running_stats')) === false && spatial && spatial.every((d) => d === 1))
    return failed(issue('kernel-exceeds-input', `Expected more than 1 spatial element when training, got input size torch.Size(${msgSizes(shape.dims)})`, [`InstanceNorm${nsp}d normalises over the spatial axes of ${showShape(shape)}, which hold one element.`]), params);
  return out(shape, { params });
}

function normalizedShape(v: ArgValue | undefined): number[] | null {
  return typeof v === 'number' ? [v] : intList(v);
}

/** LayerNorm and F.layer_norm: the trailing dims must equal normalized_shape. */
export function layerNormIssue(shape: Shape, ns: number[], rms = false): LayerIssue | null {
  const tail = shape.dims.slice(-ns.length);
  const tooShort = !shape.open && shape.dims.length < ns.length;
  const differs = tail.some((d, i) => isKnown(d) && d !== ns[ns.length - tail.length + i]);
  if (!tooShort && !differs) return null;
  return issue(
    'features-mismatch',
    `Given normalized_shape=${msgSizes(ns)}, expected input with shape [*${rms ? '' : ', '}${ns.join(', ')}], but got input of size${msgSizes(shape.dims)}`,
    [`${rms ? 'RMSNorm' : 'LayerNorm'} normalises the last ${ns.length} dims, which must be ${msgSizes(ns)}; the tensor is ${showShape(shape)}.`],
  );
}

function applyLayerNorm(args: BoundArgs, inputs: (TensorValue | ArgValue)[]): LayerOutcome {
  const ns = normalizedShape(args.get('normalized_shape'));
  const affine = asBool(args.get('elementwise_affine'));
  const bias = asBool(args.get('bias'));
  const n = ns ? ns.reduce((a, b) => a * b, 1) : null;
  const params = n !== null && affine !== null && bias !== null ? (affine ? n * (bias ? 2 : 1) : 0) : null;
  const shape = inputShape(args, inputs, 'input');
  if (!shape) return out(null, { params });
  const bad = ns ? layerNormIssue(shape, ns) : null;
  return bad ? failed(bad, params) : out(shape, { params });
}

function groupNormConstruct(args: BoundArgs): LayerIssue | null {
  const g = asInt(args.get('num_groups')), c = asInt(args.get('num_channels'));
  if (g === null || c === null || g === 0 || c % g === 0) return null;
  return issue('invalid-argument', `num_channels (${c}) must be divisible by num_groups (${g})`, [`GroupNorm splits ${c} channels into ${g} groups.`]);
}

function applyGroupNorm(args: BoundArgs, inputs: (TensorValue | ArgValue)[]): LayerOutcome {
  const c = asInt(args.get('num_channels'));
  const affine = asBool(args.get('affine'));
  const params = c !== null && affine !== null ? (affine ? 2 * c : 0) : null;
  const shape = firstTensor(inputs)?.shape ?? null;
  if (!shape) return out(null, { params });
  const got = shape.open ? undefined : shape.dims[1];
  const groups = asInt(args.get('num_groups'));
  if (groups !== null && groups > 0 && isKnown(got ?? null) && (got as number) % groups !== 0)
    return failed(
      issue('channel-mismatch', `Expected number of channels in input to be divisible by num_groups, but got input of shape ${msgSizes(shape.dims)} and num_groups=${groups}`, [
        `GroupNorm(${groups}, …) cannot split the ${got} channels of ${showShape(shape)} into ${groups} groups.`,
      ]),
      params,
    );
  if (affine === true && c !== null && isKnown(got ?? null) && got !== c)
    return failed(
      issue('channel-mismatch', `Expected weight to be a vector of size equal to the number of channels in input, but got weight of shape [${c}] and input of shape ${msgSizes(shape.dims)}`, [
        `GroupNorm(num_channels=${c}) but the tensor ${showShape(shape)} has ${got} channels at axis 1.`,
      ]),
      params,
    );
  return out(shape, { params });
}

function applyRmsNorm(args: BoundArgs, inputs: (TensorValue | ArgValue)[]): LayerOutcome {
  const ns = normalizedShape(args.get('normalized_shape'));
  const affine = asBool(args.get('elementwise_affine'));
  const params = ns && affine !== null ? (affine ? ns.reduce((a, b) => a * b, 1) : 0) : null;
  const shape = inputShape(args, inputs, 'input');
  const bad = shape && ns ? layerNormIssue(shape, ns, true) : null;
  return bad ? failed(bad, params) : out(shape, { params });
}

/** Lazy BatchNorm/InstanceNorm: num_features is the input's channel count at the first call. */
function applyLazyNorm(kind: 'batch' | 'instance', nsp: number, args: BoundArgs, inputs: (TensorValue | ArgValue)[]): LayerOutcome {
  const shape = firstTensor(inputs)?.shape ?? null;
  const c = shape && !shape.open ? shape.dims[shape.dims.length - nsp - 1] ?? null : null;
  const withC: BoundArgs = { get: (n) => (n === 'num_features' ? (isKnown(c) ? c : null) : args.get(n)), explicit: (n) => args.explicit(n), extraKeywords: args.extraKeywords };
  return kind === 'batch' ? applyBatchNorm(nsp, withC, inputs) : applyInstanceNorm(nsp, withC, inputs);
}

function applyChannelShuffle(args: BoundArgs, inputs: (TensorValue | ArgValue)[]): LayerOutcome {
  const shape = inputShape(args, inputs, 'input');
  const g = asInt(args.get('groups'));
  const c = shape && !shape.open ? shape.dims[1] : null;
  if (shape && g !== null && g > 0 && isKnown(c ?? null) && (c as number) % g !== 0)
    return failed(issue('channel-mismatch', `Number of channels must be divisible by groups. Got ${c} channels and ${g} groups.`, [`ChannelShuffle(${g}) splits the ${c} channels of ${showShape(shape)} into ${g} groups.`]));
  return out(shape);
}

function applyCrossMapLrn(_args: BoundArgs, inputs: (TensorValue | ArgValue)[]): LayerOutcome {
  const shape = firstTensor(inputs)?.shape ?? null;
  if (shape && !shape.open && shape.dims.length !== 4)
    return failed(issue('rank-mismatch', `CrossMapLRN2d: Expected input to be 4D, got ${shape.dims.length}D instead.`, [`CrossMapLRN2d takes (N, C, H, W); got ${showShape(shape)}.`]));
  return out(shape);
}

const BN_PARAMS = [
  { name: 'num_features' },
  { name: 'eps', default: 1e-5 },
  { name: 'momentum', default: 0.1 },
  { name: 'affine', default: true },
  { name: 'track_running_stats', default: true },
];
const IN_PARAMS = [
  { name: 'num_features' },
  { name: 'eps', default: 1e-5 },
  { name: 'momentum', default: 0.1 },
  { name: 'affine', default: false },
  { name: 'track_running_stats', default: false },
];

export const normLayers: LayerDef[] = [
  ...[1, 2, 3].map((n): LayerDef => ({
    framework: 'torch',
    names: [`torch.nn.BatchNorm${n}d`],
    params: BN_PARAMS,
    kind: 'layer',
    apply: (args, inputs) => applyBatchNorm(n, args, inputs),
  })),
  ...[1, 2, 3].map((n): LayerDef => ({
    framework: 'torch',
    names: [`torch.nn.InstanceNorm${n}d`],
    params: IN_PARAMS,
    kind: 'layer',
    apply: (args, inputs) => applyInstanceNorm(n, args, inputs),
  })),
  {
    framework: 'torch',
    names: ['torch.nn.SyncBatchNorm'],
    params: [...BN_PARAMS, { name: 'process_group', default: null }],
    kind: 'layer',
    apply: (args, inputs) => {
      // Any rank >= 2 with channels at axis 1; only the parameter count is modelled.
      const nf = asInt(args.get('num_features')), affine = asBool(args.get('affine'));
      return out(firstTensor(inputs)?.shape ?? null, { params: nf !== null && affine !== null ? (affine ? 2 * nf : 0) : null });
    },
  },
  ...[1, 2, 3].flatMap((n): LayerDef[] => [
    { framework: 'torch', names: [`torch.nn.LazyBatchNorm${n}d`], params: BN_PARAMS.slice(1), kind: 'layer', apply: (args, inputs) => applyLazyNorm('batch', n, args, inputs) },
    { framework: 'torch', names: [`torch.nn.LazyInstanceNorm${n}d`], params: IN_PARAMS.slice(1), kind: 'layer', apply: (args, inputs) => applyLazyNorm('instance', n, args, inputs) },
  ]),
  {
    framework: 'torch',
    names: ['torch.nn.RMSNorm'],
    params: [{ name: 'normalized_shape' }, { name: 'eps', default: null }, { name: 'elementwise_affine', default: true }, { name: 'device', default: null }, { name: 'dtype', default: null }],
    kind: 'layer',
    apply: applyRmsNorm,
  },
  {
    framework: 'torch',
    names: ['torch.nn.functional.rms_norm'],
    params: [{ name: 'input' }, { name: 'normalized_shape' }, { name: 'weight', default: null }, { name: 'eps', default: null }],
    kind: 'op',
    apply: (args, inputs) => {
      const shape = inputShape(args, inputs, 'input');
      const ns = normalizedShape(args.get('normalized_shape'));
      const bad = shape && ns ? layerNormIssue(shape, ns, true) : null;
      return bad ? failed(bad) : out(shape);
    },
  },
  { framework: 'torch', names: ['torch.nn.ChannelShuffle'], params: [{ name: 'groups' }], kind: 'layer', apply: applyChannelShuffle },
  { framework: 'torch', names: ['torch.nn.functional.channel_shuffle', 'torch.nn.functional.native_channel_shuffle', 'torch.channel_shuffle'], params: [{ name: 'input' }, { name: 'groups' }], kind: 'op', apply: applyChannelShuffle },
  { framework: 'torch', names: ['torch.nn.CrossMapLRN2d'], params: [{ name: 'size' }, { name: 'alpha', default: 1e-4 }, { name: 'beta', default: 0.75 }, { name: 'k', default: 1 }], kind: 'layer', apply: applyCrossMapLrn },
  {
    framework: 'torch',
    names: ['torch.nn.LayerNorm'],
    params: [{ name: 'normalized_shape' }, { name: 'eps', default: 1e-5 }, { name: 'elementwise_affine', default: true }, { name: 'bias', default: true }],
    kind: 'layer',
    apply: applyLayerNorm,
  },
  {
    framework: 'torch',
    names: ['torch.nn.functional.layer_norm'],
    params: [{ name: 'input' }, { name: 'normalized_shape' }, { name: 'weight', default: null }, { name: 'bias', default: null }, { name: 'eps', default: 1e-5 }],
    kind: 'op',
    apply: (args, inputs) => {
      const shape = inputShape(args, inputs, 'input');
      const ns = normalizedShape(args.get('normalized_shape'));
      const bad = shape && ns ? layerNormIssue(shape, ns) : null;
      return bad ? failed(bad) : out(shape);
    },
  },
  {
    framework: 'torch',
    names: ['torch.nn.GroupNorm'],
    params: [{ name: 'num_groups' }, { name: 'num_channels' }, { name: 'eps', default: 1e-5 }, { name: 'affine', default: true }],
    kind: 'layer',
    construct: groupNormConstruct,
    apply: applyGroupNorm,
  },
  // Functional norms keep the shape; their checks need the weight tensors' shapes, so stay silent.
  ...(
    [
      ['batch_norm', ['running_mean', 'running_var', 'weight', 'bias', 'training', 'momentum', 'eps']],
      ['instance_norm', ['running_mean', 'running_var', 'weight', 'bias', 'use_input_stats', 'momentum', 'eps']],
      ['group_norm', ['num_groups', 'weight', 'bias', 'eps']],
    ] as const
  ).map(([fn, rest]): LayerDef => ({
    framework: 'torch',
    names: [`torch.nn.functional.${fn}`],
    params: [{ name: 'input' }, ...rest.map((name) => ({ name, default: null }))],
    kind: 'op',
    apply: (args, inputs) => out(inputShape(args, inputs, 'input')),
  })),
];
