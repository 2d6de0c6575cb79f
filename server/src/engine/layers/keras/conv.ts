/**
 * Keras convolutions: Conv1D/2D/3D, their transposes, SeparableConv1D/2D, DepthwiseConv1D/2D.
 * Check order follows Keras 3.15: constructor validation, then InputSpec (min_ndim, built
 * channel axis), then `build` (groups), then `compute_conv_output_shape` (zero or negative size).
 */
import { sizeTupleIssue, strictlyPositiveIssue } from './arguments';
import type { AxisTrace, Dim, Shape } from '../../types';
import type { ArgValue, BoundArgs, LayerDef, LayerEnv, LayerIssue, LayerOutcome, ParamSpec } from '../types';
import { asInt, asTuple } from '../types';
import {
  axisNames,
  checkBuiltAxis,
  checkNdim,
  inputTensor,
  issue,
  kerasTensor,
  type LayoutInfo,
  outShape,
  params,
  rankView,
  resolveLayout,
  unknownOutcome,
} from './common';
import { npArray, pyDim, pyShape, pyTuple } from './format';
import { transposeLength, windowLength } from './spatial';

type ConvKind = 'conv' | 'transpose' | 'separable' | 'depthwise';

interface ConvConfig {
  kind: ConvKind;
  rank: 1 | 2 | 3;
  className: string;
}

function convParams(cfg: ConvConfig): ParamSpec[] {
  const one: ArgValue = cfg.rank === 1 ? 1 : new Array(cfg.rank).fill(1);
  const common: [string, ArgValue][] = [['strides', one], ['padding', 'valid']];
  const init = (names: string[]): [string, ArgValue][] => names.map((n) => [n, null]);
  switch (cfg.kind) {
    case 'conv':
      return params('filters', 'kernel_size', ...common, ['data_format', null], ['dilation_rate', one], ['groups', 1],
        ['activation', null], ['use_bias', true],
        ...init(['kernel_initializer', 'bias_initializer', 'kernel_regularizer', 'bias_regularizer',
          'activity_regularizer', 'kernel_constraint', 'bias_constraint']));
    case 'transpose': {
      // Keras 3.11+: Conv3DTranspose takes data_format before output_padding, the others after.
      const order: [string, ArgValue][] = cfg.rank === 3
        ? [['data_format', null], ['output_padding', null]]
        : [['output_padding', null], ['data_format', null]];
      return params('filters', 'kernel_size', ...common, ...order, ['dilation_rate', one], ['activation', null],
        ['use_bias', true], ...init(['kernel_initializer', 'bias_initializer', 'kernel_regularizer',
          'bias_regularizer', 'activity_regularizer', 'kernel_constraint', 'bias_constraint']));
    }
    case 'separable':
      return params('filters', 'kernel_size', ...common, ['data_format', null], ['dilation_rate', one],
        ['depth_multiplier', 1], ['activation', null], ['use_bias', true],
        ...init(['depthwise_initializer', 'pointwise_initializer', 'bias_initializer', 'depthwise_regularizer',
          'pointwise_regularizer', 'bias_regularizer', 'activity_regularizer', 'depthwise_constraint',
          'pointwise_constraint', 'bias_constraint']));
    case 'depthwise':
      return params('kernel_size', ...common, ['depth_multiplier', 1], ['data_format', null], ['dilation_rate', one],
        ['activation', null], ['use_bias', true],
        ...init(['depthwise_initializer', 'bias_initializer', 'depthwise_regularizer', 'bias_regularizer',
          'activity_regularizer', 'depthwise_constraint', 'bias_constraint']));
  }
}

/** Hyper-parameters read once; null members mean "unknown", which silences dependent checks. */
interface ConvHyper {
  filters: number | null;
  kernel: number[] | null;
  strides: number[] | null;
  dilation: number[] | null;
  padding: string | null;
  groups: number | null;
  depthMultiplier: number | null;
  outputPadding: number[] | null | 'none';
  useBias: boolean | null;
}

function readHyper(cfg: ConvConfig, args: BoundArgs): ConvHyper {
  const r = cfg.rank;
  const pad = args.get('padding');
  const op = cfg.kind === 'transpose' ? args.get('output_padding') : null;
  const bias = args.get('use_bias');
  return {
    filters: cfg.kind === 'depthwise' ? null : asInt(args.get('filters')),
    kernel: asTuple(args.get('kernel_size'), r),
    strides: asTuple(args.get('strides'), r),
    dilation: asTuple(args.get('dilation_rate'), r),
    padding: typeof pad === 'string' ? pad.toLowerCase() : null,
    groups: cfg.kind === 'conv' ? asInt(args.get('groups') ?? 1) : 1,
    depthMultiplier: asInt(args.get('depth_multiplier') ?? 1),
    outputPadding: op === null || op === undefined ? 'none' : asTuple(op, r),
    useBias: typeof bias === 'boolean' ? bias : null,
  };
}

const PADDING_MSG = "The `padding` argument must be a list/tuple or one of {'same', 'valid'}. Received: ";

function constructCheck(cfg: ConvConfig, args: BoundArgs): LayerIssue | null {
  for (const name of ['kernel_size', 'strides', 'dilation_rate']) {
    const bad = sizeTupleIssue(name, args.get(name), cfg.rank);
    if (bad) return bad;
  }
  const h = readHyper(cfg, args);
  // Keras 3 allows `causal` only for rank-1 BaseConv, i.e. Conv1D.
  if (h.padding === 'causal' && !(cfg.kind === 'conv' && cfg.rank === 1)) {
    return issue('invalid-argument', PADDING_MSG + 'causal', [
      `Keras 3 accepts padding='causal' only for Conv1D, not ${cfg.className}`,
      'tf.keras 2 also allowed it for SeparableConv1D',
    ]);
  }
  const count = cfg.kind === 'depthwise' ? null : strictlyPositiveIssue('filters', args.get('filters'));
  const multiplier = cfg.kind === 'depthwise' || cfg.kind === 'separable' ? strictlyPositiveIssue('depth_multiplier', args.get('depth_multiplier')) : null;
  if (multiplier ?? count) return multiplier ?? count;
  if (cfg.kind === 'conv' && h.groups !== null) {
    if (h.groups <= 0) {
      return issue('invalid-argument', `The number of groups must be a positive integer. Received: groups=${h.groups}.`, [
        'groups must be at least 1',
      ]);
    }
    if (h.filters !== null && h.filters > 0 && h.filters % h.groups !== 0) {
      return issue('invalid-argument',
        `The number of filters must be evenly divisible by the number of groups. Received: groups=${h.groups}, filters=${h.filters}.`,
        [`${h.filters} filters cannot be split into ${h.groups} equal groups`]);
    }
  }
  if (cfg.kind !== 'transpose' && h.strides && h.dilation &&
      Math.max(...h.strides) > 1 && Math.max(...h.dilation) > 1) {
    const s = pyTuple(h.strides.map(String));
    const d = pyTuple(h.dilation.map(String));
    return issue('invalid-argument',
      `\`strides > 1\` not supported in conjunction with \`dilation_rate > 1\`. Received: strides=${s} and dilation_rate=${d}`,
      ['Keras convolutions cannot combine a stride above 1 with a dilation above 1']);
  }
  if (cfg.kind === 'transpose' && h.strides && Array.isArray(h.outputPadding)) {
    for (let i = 0; i < cfg.rank; i++) {
      if (h.outputPadding[i] >= h.strides[i]) {
        const op = pyTuple(h.outputPadding.map(String));
        const s = pyTuple(h.strides.map(String));
        return issue('invalid-argument',
          `\`output_padding\` must be strictly less than \`strides\` for all dimensions. At dimension ${i}, ` +
          `\`output_padding\` is ${h.outputPadding[i]} but \`strides\` is ${h.strides[i]}. Received: output_padding=${op}, strides=${s}`,
          ['each output_padding value must be smaller than the stride on that axis']);
      }
    }
  }
  return null;
}

export function layoutLine(layout: LayoutInfo, shape: Shape, names: string[]): string {
  const parts = names.slice(1).map((n, i) => `${n}=${pyDim(shape.dims[i + 1])}`);
  return `data_format=${layout.layout} (${layout.source}): input shape ${pyShape(shape.dims)} is read as ${parts.join(', ')}`;
}

function kernelShape(cfg: ConvConfig, h: ConvHyper, c: number): string {
  const k = h.kernel ?? [];
  let tail: number[];
  // Keras prints the full input channel count here, even for grouped convolutions.
  if (cfg.kind === 'conv' || cfg.kind === 'separable') tail = [c, h.filters ?? 0];
  else tail = [c, c * (h.depthMultiplier ?? 1)];
  return pyTuple([...k, ...tail].map(String));
}

function countParams(cfg: ConvConfig, h: ConvHyper, c: Dim): number | null {
  if (typeof c !== 'number' || !h.kernel || h.useBias === null) return null;
  const k = h.kernel.reduce((a, b) => a * b, 1);
  const dm = h.depthMultiplier;
  const f = h.filters;
  switch (cfg.kind) {
    case 'conv':
      if (f === null || h.groups === null) return null;
      return k * (c / h.groups) * f + (h.useBias ? f : 0);
    case 'transpose':
      if (f === null) return null;
      return k * c * f + (h.useBias ? f : 0);
    case 'separable':
      if (f === null || dm === null) return null;
      return k * c * dm + c * dm * f + (h.useBias ? f : 0);
    case 'depthwise':
      if (dm === null) return null;
      return k * c * dm + (h.useBias ? c * dm : 0);
  }
}

function applyConv(
  cfg: ConvConfig, args: BoundArgs, inputs: unknown[], env: LayerEnv, state: Record<string, Dim> | undefined,
): LayerOutcome {
  const x = inputTensor(inputs as ArgValue[]);
  const layout = resolveLayout(args, env);
  if (!x || !x.shape || !layout) return unknownOutcome(null);
  const shape = x.shape;
  const r = cfg.rank;
  const chAxis = layout.layout === 'channels_last' ? -1 : 1;
  const rankIssue = checkNdim(shape, { minNdim: r + 2 }, env);
  if (rankIssue) return { output: kerasTensor(null), params: null, issue: rankIssue };
  const axisIssue = checkBuiltAxis(shape, chAxis, state?.channels, 'channel-mismatch', env);
  if (axisIssue) return { output: kerasTensor(null), params: null, issue: axisIssue };
  const dims = rankView(shape, r + 2);
  // A higher rank fails inside the backend with a non-shape message: stay silent.
  if (!dims) return unknownOutcome(null);
  const h = readHyper(cfg, args);
  const cIdx = layout.layout === 'channels_last' ? r + 1 : 1;
  const c = dims[cIdx];
  const names = axisNames(r, layout.layout);
  const base = { axisNames: names, layout: layout.layout, layoutSource: layout.source };
  const newState = typeof c === 'number' && state?.channels === undefined ? { channels: c } : undefined;
  if (cfg.kind === 'conv' && typeof c === 'number' && h.groups !== null && h.groups > 0 && c % h.groups !== 0 && !shape.open) {
    const msg = `The number of input channels must be evenly divisible by the number of groups. Received groups=${h.groups}, ` +
      `but the input has ${c} channels (full input shape is ${pyShape(shape.dims)}).`;
    return { ...base, output: kerasTensor(null), params: null, issue: issue('invalid-argument', msg, [
      layoutLine(layout, shape, names), `${c} input channels cannot be split into ${h.groups} groups`,
    ]) };
  }
  const spatial = computeSpatial(cfg, h, dims, layout);
  const outC: Dim = cfg.kind === 'depthwise'
    ? (typeof c === 'number' && h.depthMultiplier !== null ? c * h.depthMultiplier : null)
    : h.filters;
  const outDims = layout.layout === 'channels_last'
    ? [dims[0], ...spatial.outs, outC] : [dims[0], outC, ...spatial.outs];
  const outcome: LayerOutcome = {
    ...base, output: kerasTensor(outShape(outDims, shape.open)), params: countParams(cfg, h, c), trace: spatial.trace,
  };
  if (newState) outcome.state = newState;
  const bad = spatial.outs.findIndex((o) => typeof o === 'number' && o <= 0);
  if (bad >= 0 && typeof c === 'number' && !shape.open && h.padding === 'valid') {
    outcome.output = kerasTensor(null);
    outcome.issue = convTooSmall(cfg, h, c, shape, layout, names, spatial.trace[bad]);
  }
  return outcome;
}

function computeSpatial(cfg: ConvConfig, h: ConvHyper, dims: Dim[], layout: LayoutInfo): { outs: Dim[]; trace: AxisTrace[] } {
  const r = cfg.rank;
  const names = axisNames(r, layout.layout);
  const first = layout.layout === 'channels_last' ? 1 : 2;
  const outs: Dim[] = [];
  const trace: AxisTrace[] = [];
  for (let i = 0; i < r; i++) {
    const n = dims[first + i];
    const k = h.kernel?.[i];
    const s = h.strides?.[i];
    const d = h.dilation?.[i];
    const axis = names[first + i];
    if (k === undefined || s === undefined || d === undefined || h.padding === null || s <= 0) {
      outs.push(null);
      continue;
    }
    const ek = d * (k - 1) + 1;
    let res;
    if (cfg.kind === 'transpose') {
      if (h.outputPadding === null) { outs.push(null); continue; }
      const op = h.outputPadding === 'none' ? null : h.outputPadding[i];
      res = transposeLength(n, ek, s, h.padding, op);
    } else {
      if (!['valid', 'same', 'causal'].includes(h.padding)) { outs.push(null); continue; }
      res = windowLength(n, ek, s, h.padding);
    }
    outs.push(res.out);
    trace.push({ axis, formula: res.formula });
  }
  return { outs, trace };
}

function convTooSmall(
  cfg: ConvConfig, h: ConvHyper, c: number, shape: Shape, layout: LayoutInfo, names: string[], bad: AxisTrace,
): LayerIssue {
  const strides = pyTuple((h.strides ?? []).map(String));
  const msg = 'Computed output size would be zero or negative. Received ' +
    `\`inputs shape=${pyShape(shape.dims)}\`, \`kernel shape=${kernelShape(cfg, h, c)}\`, ` +
    `\`dilation_rate=${npArray(h.dilation ?? [])}\`, \`strides=${strides}\`, \`padding=valid\`.`;
  const explanation = [
    layoutLine(layout, shape, names),
    `${bad.axis}: ${bad.formula} ≤ 0 with padding='valid'`,
    'Keras 3.0–3.13 reject only a negative size (a size of 0 passes there); 3.14+ reject zero too',
    'tf.keras 2 raises "Negative dimension size caused by subtracting … from …" in the TF graph instead',
  ];
  const out = issue('kernel-exceeds-input', msg, explanation);
  out.fixes = [{
    kind: 'set-arg', name: 'padding', value: "'same'",
    title: "Use padding='same' (keeps the spatial size; changes later shapes)", applicability: 'unsafe',
  }];
  return out;
}

function convDef(cfg: ConvConfig, names: string[]): LayerDef {
  return {
    framework: 'keras',
    names: names.map((n) => `keras.layers.${n}`),
    params: convParams(cfg),
    kind: 'layer',
    construct: (args) => constructCheck(cfg, args),
    apply: (args, inputs, env, state) => applyConv(cfg, args, inputs, env, state),
  };
}

export const convLayers: LayerDef[] = [
  convDef({ kind: 'conv', rank: 1, className: 'Conv1D' }, ['Conv1D', 'Convolution1D']),
  convDef({ kind: 'conv', rank: 2, className: 'Conv2D' }, ['Conv2D', 'Convolution2D']),
  convDef({ kind: 'conv', rank: 3, className: 'Conv3D' }, ['Conv3D', 'Convolution3D']),
  convDef({ kind: 'transpose', rank: 1, className: 'Conv1DTranspose' }, ['Conv1DTranspose', 'Convolution1DTranspose']),
  convDef({ kind: 'transpose', rank: 2, className: 'Conv2DTranspose' },
    ['Conv2DTranspose', 'Convolution2DTranspose', 'Deconvolution2D']),
  convDef({ kind: 'transpose', rank: 3, className: 'Conv3DTranspose' },
    ['Conv3DTranspose', 'Convolution3DTranspose', 'Deconvolution3D']),
  convDef({ kind: 'separable', rank: 1, className: 'SeparableConv1D' }, ['SeparableConv1D', 'SeparableConvolution1D']),
  convDef({ kind: 'separable', rank: 2, className: 'SeparableConv2D' }, ['SeparableConv2D', 'SeparableConvolution2D']),
  convDef({ kind: 'depthwise', rank: 1, className: 'DepthwiseConv1D' }, ['DepthwiseConv1D']),
  convDef({ kind: 'depthwise', rank: 2, className: 'DepthwiseConv2D' }, ['DepthwiseConv2D']),
];
