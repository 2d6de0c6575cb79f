/**
 * Gluon pooling blocks (`python/mxnet/gluon/nn/conv_layers.py::_Pooling`, 1.9.1).
 * `strides=None` means `pool_size`; `ceil_mode=True` is `pooling_convention='full'`.
 * The positional orders differ between classes (MaxPool2D has layout before ceil_mode,
 * AvgPool2D/3D and MaxPool3D the other way round), so each class lists its own params.
 */
import type { Dim } from '../../types';
import type { ArgValue, BoundArgs, LayerDef, LayerEnv, LayerIssue, LayerOutcome, ParamSpec } from '../types';
import { isTensor, tensor } from '../types';
import { axisNamesFor, boolArg, defaultLayout, gluonMessage, kernelText, mkIssue, parseLayout, tupleArg } from '../mxnet/mxcore';
import { type PoolSpec, poolShape } from '../mxnet/mxops';

const PREFIX = 'mxnet.gluon.nn.';

function size(nd: number): ArgValue {
  return nd === 1 ? 2 : new Array(nd).fill(2);
}

function maxParams(nd: number): ParamSpec[] {
  const head: ParamSpec[] = [{ name: 'pool_size', default: size(nd) }, { name: 'strides', default: null }, { name: 'padding', default: 0 }];
  const layout: ParamSpec = { name: 'layout', default: defaultLayout(nd) };
  const ceil: ParamSpec = { name: 'ceil_mode', default: false };
  return nd === 3 ? [...head, ceil, layout] : [...head, layout, ceil];
}

function avgParams(nd: number): ParamSpec[] {
  const head: ParamSpec[] = [{ name: 'pool_size', default: size(nd) }, { name: 'strides', default: null }, { name: 'padding', default: 0 }];
  const layout: ParamSpec = { name: 'layout', default: defaultLayout(nd) };
  const ceil: ParamSpec = { name: 'ceil_mode', default: false };
  const cip: ParamSpec = { name: 'count_include_pad', default: true };
  return nd === 1 ? [...head, layout, ceil, cip] : [...head, ceil, layout, cip];
}

const LAYOUT_ASSERT: Record<number, { ok: string[]; msg: string }> = {
  1: { ok: ['NCW', 'NWC'], msg: 'Only NCW and NWC layouts are valid for 1D Pooling' },
  2: { ok: ['NCHW', 'NHWC'], msg: 'Only NCHW and NHWC layouts are valid for 2D Pooling' },
  3: { ok: ['NCDHW', 'NDHWC'], msg: 'Only NCDHW and NDHWC layouts are valid for 3D Pooling' },
};

function layoutConstruct(nd: number) {
  return (args: BoundArgs): LayerIssue | null => {
    const layout = args.get('layout');
    const rule = LAYOUT_ASSERT[nd];
    if (typeof layout !== 'string' || rule.ok.includes(layout)) return null;
    return mkIssue('invalid-argument', rule.msg, [`Gluon's ${nd}-D pooling accepts layout ${rule.ok.map((l) => `'${l}'`).join(' or ')}, not '${layout}'.`]);
  };
}

function poolLabel(cls: string, k: number[], s: number[], p: number[], ceil: boolean): string {
  const same = (v: number[]) => v.every((x) => x === v[0]);
  const sText = same(s) ? String(s[0]) : `(${s.join(', ')})`;
  const pText = same(p) ? String(p[0]) : `(${p.join(', ')})`;
  return `${cls} (${kernelText(k)}, stride ${sText}, padding ${pText}${ceil ? ', ceil_mode' : ''})`;
}

function readSpec(cls: string, nd: number, args: BoundArgs): PoolSpec | null {
  const kernel = tupleArg(args.get('pool_size'), nd);
  const sArg = args.get('strides');
  const stride = sArg === null || sArg === undefined ? kernel : tupleArg(sArg, nd);
  const pad = tupleArg(args.get('padding'), nd);
  const ceil = boolArg(args.get('ceil_mode'), false);
  const layoutArg = args.get('layout');
  const layout = typeof layoutArg === 'string' ? parseLayout(layoutArg, nd) : null;
  if (!kernel || !stride || !pad || ceil === null || !layout) return null;
  const label = poolLabel(cls, kernel, stride, pad, ceil);
  return { kernel, stride, pad, convention: ceil ? 'full' : 'valid', global: false, layout, label };
}

function poolOutcome(spec: PoolSpec, x: ArgValue, env: LayerEnv, layoutSource: string): LayerOutcome {
  if (!isTensor(x) || !x.shape) return { output: tensor(null, 'mxnet') };
  const r = poolShape(spec, x.shape);
  const base: LayerOutcome = {
    output: tensor(r.shape, 'mxnet'),
    axisNames: axisNamesFor(spec.layout),
    layout: spec.layout.layout,
    layoutSource,
    trace: r.trace,
    notes: r.lines,
  };
  if (!r.issue) return base;
  const message = gluonMessage(env, `${env.layerName}_fwd`, r.issue.message);
  return { ...base, output: tensor(null, 'mxnet'), issue: { rule: r.issue.rule, message, explanation: r.issue.explanation } };
}

function poolDef(cls: string, nd: number, params: ParamSpec[]): LayerDef {
  return {
    framework: 'gluon',
    names: [PREFIX + cls],
    params,
    kind: 'layer',
    construct: layoutConstruct(nd),
    apply(args: BoundArgs, inputs: ArgValue[], env: LayerEnv, _state: Record<string, Dim> | undefined): LayerOutcome {
      const spec = readSpec(cls, nd, args);
      if (!spec) return { output: tensor(null, 'mxnet') };
      return poolOutcome(spec, inputs[0], env, args.explicit('layout') ? 'layout= argument' : 'Gluon default');
    },
  };
}

function globalDef(cls: string, nd: number): LayerDef {
  return {
    framework: 'gluon',
    names: [PREFIX + cls],
    params: [{ name: 'layout', default: defaultLayout(nd) }],
    kind: 'layer',
    construct: layoutConstruct(nd),
    apply(args: BoundArgs, inputs: ArgValue[], env: LayerEnv): LayerOutcome {
      const layoutArg = args.get('layout');
      const layout = typeof layoutArg === 'string' ? parseLayout(layoutArg, nd) : null;
      if (!layout) return { output: tensor(null, 'mxnet') };
      const ones = new Array<number>(nd).fill(1);
      const zeros = new Array<number>(nd).fill(0);
      const spec: PoolSpec = { kernel: ones, stride: ones, pad: zeros, convention: 'valid', global: true, layout, label: cls };
      return poolOutcome(spec, inputs[0], env, args.explicit('layout') ? 'layout= argument' : 'Gluon default');
    },
  };
}

export const poolLayers: LayerDef[] = [
  poolDef('MaxPool1D', 1, maxParams(1)),
  poolDef('MaxPool2D', 2, maxParams(2)),
  poolDef('MaxPool3D', 3, maxParams(3)),
  poolDef('AvgPool1D', 1, avgParams(1)),
  poolDef('AvgPool2D', 2, avgParams(2)),
  poolDef('AvgPool3D', 3, avgParams(3)),
  ...[1, 2, 3].flatMap((nd) => [globalDef(`GlobalMaxPool${nd}D`, nd), globalDef(`GlobalAvgPool${nd}D`, nd)]),
];
