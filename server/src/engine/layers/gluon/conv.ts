/**
 * Gluon convolution blocks (`python/mxnet/gluon/nn/conv_layers.py`, 1.9.1): `_Conv` stores the
 * op arguments, runs `Convolution`/`Deconvolution` in `hybrid_forward` and an `Activation`
 * child when `activation=` is given. `in_channels=0` defers the weight's shape to the first call.
 */
import type { Dim } from '../../types';
import { isKnown } from '../../shapes';
import type { ArgValue, BoundArgs, FixSuggestion, LayerDef, LayerEnv, LayerIssue, LayerOutcome, ParamSpec } from '../types';
import { isTensor, tensor } from '../types';
import {
  ACT_TYPES,
  axisNamesFor,
  boolArg,
  defaultLayout,
  gluonMessage,
  intArg,
  invalidActIssue,
  kernelText,
  type LayoutInfo,
  mkIssue,
  parseLayout,
  tupleArg,
} from '../mxnet/mxcore';
import { type ConvSpec, convShape, type OpResult } from '../mxnet/mxops';

const PREFIX = 'mxnet.gluon.nn.';

function convParams(nd: number, transpose: boolean): ParamSpec[] {
  const ones = nd === 1 ? 1 : new Array(nd).fill(1);
  const zeros = nd === 1 ? 0 : new Array(nd).fill(0);
  return [
    { name: 'channels' },
    { name: 'kernel_size' },
    { name: 'strides', default: ones },
    { name: 'padding', default: zeros },
    ...(transpose ? [{ name: 'output_padding', default: zeros }] : []),
    { name: 'dilation', default: ones },
    { name: 'groups', default: 1 },
    { name: 'layout', default: defaultLayout(nd) },
    { name: 'activation', default: null },
    { name: 'use_bias', default: true },
    { name: 'weight_initializer', default: null },
    { name: 'bias_initializer', default: 'zeros' },
    { name: 'in_channels', default: 0 },
  ];
}

/** The AssertionError texts of `Conv1D/2D/3D.__init__`. */
const LAYOUT_ASSERT: Record<number, { ok: string[]; msg: string }> = {
  1: { ok: ['NCW'], msg: "Only supports 'NCW' layout for now" },
  2: { ok: ['NCHW', 'NHWC'], msg: "Only supports 'NCHW' and 'NHWC' layout for now" },
  3: { ok: ['NCDHW', 'NDHWC'], msg: "Only supports 'NCDHW' and 'NDHWC' layout for now" },
};

interface ConvConfig {
  spec: Omit<ConvSpec, 'providedC'>;
  explicitC: number | null;
  activation: string | null;
  useBias: boolean;
  layoutSource: string;
}

/** Reads the constructor arguments; null when any shape-relevant one is unknown. */
function readConfig(cls: string, nd: number, transpose: boolean, args: BoundArgs): ConvConfig | null {
  const kernel = tupleArg(args.get('kernel_size'), nd);
  const stride = tupleArg(args.get('strides'), nd);
  const pad = tupleArg(args.get('padding'), nd);
  const dilate = tupleArg(args.get('dilation'), nd);
  const adj = transpose ? tupleArg(args.get('output_padding'), nd) : new Array<number>(nd).fill(0);
  const numFilter = intArg(args.get('channels'));
  const groups = intArg(args.get('groups'));
  const layoutArg = args.get('layout');
  const layout = typeof layoutArg === 'string' ? parseLayout(layoutArg, nd) : null;
  const act = args.get('activation');
  const useBias = boolArg(args.get('use_bias'), true);
  if (!kernel || !stride || !pad || !dilate || !adj || numFilter === null || groups === null || groups < 1 || !layout || useBias === null) return null;
  if (act !== null && typeof act !== 'string') return null;
  const inC = intArg(args.get('in_channels'));
  const label = convLabel(cls, kernel, stride, pad);
  return {
    spec: { kind: transpose ? 'deconv' : 'conv', kernel, stride, pad, dilate, adj, numFilter, numGroup: groups, layout, label },
    explicitC: inC !== null && inC > 0 ? inC : null,
    activation: act,
    useBias,
    layoutSource: args.explicit('layout') ? 'layout= argument' : 'Gluon default',
  };
}

function convLabel(cls: string, k: number[], s: number[], p: number[]): string {
  const same = (v: number[]) => v.every((x) => x === v[0]);
  const pText = same(p) ? String(p[0]) : `(${p.join(', ')})`;
  const sText = s.every((x) => x === 1) ? '' : `, stride ${same(s) ? s[0] : `(${s.join(', ')})`}`;
  return `${cls} (${kernelText(k)}${sText}, padding ${pText})`;
}

function convConstruct(nd: number) {
  return (args: BoundArgs): LayerIssue | null => {
    const layout = args.get('layout');
    const rule = LAYOUT_ASSERT[nd];
    if (typeof layout !== 'string' || rule.ok.includes(layout)) return null;
    return mkIssue('invalid-argument', rule.msg, [`Gluon's ${nd}-D convolution accepts layout ${rule.ok.map((l) => `'${l}'`).join(' or ')}, not '${layout}'.`]);
  };
}

function paramCount(cfg: ConvConfig, inC: number): number {
  const s = cfg.spec;
  const k = s.kernel.reduce((a, b) => a * b, 1);
  const w = s.kind === 'conv' ? s.numFilter * Math.floor(inC / s.numGroup) * k : inC * Math.floor(s.numFilter / s.numGroup) * k;
  return w + (cfg.useBias ? s.numFilter : 0);
}

function convApply(cls: string, nd: number, transpose: boolean) {
  return (args: BoundArgs, inputs: (ArgValue)[], env: LayerEnv, state: Record<string, Dim> | undefined): LayerOutcome => {
    const cfg = readConfig(cls, nd, transpose, args);
    const x = inputs[0];
    if (!cfg || !isTensor(x) || !x.shape) return { output: tensor(null, 'mxnet'), params: null };
    const remembered = state && isKnown(state.inC) ? state.inC : null;
    const providedC = cfg.explicitC ?? remembered;
    const r = convShape({ ...cfg.spec, providedC }, x.shape);
    return convOutcome(cls, cfg, r, env, providedC);
  };
}

function convOutcome(cls: string, cfg: ConvConfig, r: OpResult, env: LayerEnv, providedC: number | null): LayerOutcome {
  const L = cfg.spec.layout;
  const inC = providedC ?? (isKnown(r.inC) ? r.inC : null);
  const base: LayerOutcome = {
    output: tensor(r.shape, 'mxnet'),
    params: inC === null ? null : paramCount(cfg, inC),
    axisNames: axisNamesFor(L),
    layout: L.layout,
    layoutSource: cfg.layoutSource,
    trace: r.trace,
    state: inC === null ? undefined : { inC },
  };
  base.trainableParams = base.params;
  if (r.issue) {
    const node = `${env.layerName}_fwd`;
    const explanation = [...r.issue.explanation, ...deferredLines(cfg, r, L)];
    const issue: LayerIssue = { rule: r.issue.rule, message: gluonMessage(env, node, r.issue.message), explanation };
    if (r.issue.rule === 'channel-mismatch' && cfg.explicitC !== null && isKnown(r.inC)) issue.fixes = [inChannelsFix(r.inC)];
    return { ...base, output: tensor(null, 'mxnet'), issue };
  }
  const notes = [...deferredLines(cfg, r, L), ...r.lines, ...nhwcLines(L)];
  const act = activationIssue(cls, cfg, env);
  if (act) return { ...base, notes, issue: act };
  return notes.length ? { ...base, notes } : base;
}

function deferredLines(cfg: ConvConfig, r: OpResult, L: LayoutInfo): string[] {
  if (cfg.explicitC !== null || !isKnown(r.inC)) return [];
  return [`in_channels inferred as ${r.inC} from axis ${L.c} (C) of layout ${L.layout}`];
}

function nhwcLines(L: LayoutInfo): string[] {
  if (L.c === 1) return [];
  return [`${L.layout} convolution runs only on GPU (cuDNN); on CPU MXNet fails with "Only support NCW, NCHW and NCDHW layout"`];
}

function activationIssue(cls: string, cfg: ConvConfig, env: LayerEnv): LayerIssue | null {
  const act = cfg.activation;
  if (act === null || (ACT_TYPES as readonly string[]).includes(act)) return null;
  const node = `${env.layerName}_${act}_fwd`;
  const issue = invalidActIssue(act, node, `${cls}(activation='${act}')`);
  return { ...issue, message: gluonMessage(env, node, issue.message) };
}

function inChannelsFix(c: number): FixSuggestion {
  return { kind: 'set-arg', name: 'in_channels', value: String(c), title: `Set in_channels=${c} (the input's channel count)`, applicability: 'safe' };
}

function convDef(cls: string, nd: number, transpose: boolean): LayerDef {
  return {
    framework: 'gluon',
    names: [PREFIX + cls],
    params: convParams(nd, transpose),
    kind: 'layer',
    construct: convConstruct(nd),
    apply: convApply(cls, nd, transpose),
  };
}

export const convLayers: LayerDef[] = [
  convDef('Conv1D', 1, false),
  convDef('Conv2D', 2, false),
  convDef('Conv3D', 3, false),
  convDef('Conv1DTranspose', 1, true),
  convDef('Conv2DTranspose', 2, true),
  convDef('Conv3DTranspose', 3, true),
];
