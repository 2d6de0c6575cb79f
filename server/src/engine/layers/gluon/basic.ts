/**
 * Gluon core blocks (`python/mxnet/gluon/nn/basic_layers.py`, `activations.py`, 1.9.1):
 * Dense, Flatten, Dropout, the normalisations, activations, Embedding, ReflectionPad2D,
 * Lambda/HybridLambda and Identity.
 */
import type { Dim, Shape } from '../../types';
import { dimAt, isKnown, product, ranked } from '../../shapes';
import type { ArgValue, BoundArgs, LayerDef, LayerEnv, LayerIssue, LayerOutcome, ParamSpec } from '../types';
import { isTensor, tensor } from '../types';
import { ACT_TYPES, boolArg, gluonMessage, intArg, invalidActIssue, shapeInconsistent } from '../mxnet/mxcore';
import { fcShape } from '../mxnet/mxops';

const PREFIX = 'mxnet.gluon.nn.';

function unknownOut(): LayerOutcome {
  return { output: tensor(null, 'mxnet') };
}

function inputShape(x: ArgValue | undefined): Shape | null {
  return isTensor(x) && x.shape ? x.shape : null;
}

function layer(cls: string, params: ParamSpec[], apply: LayerDef['apply']): LayerDef {
  return { framework: 'gluon', names: [PREFIX + cls], params, kind: 'layer', apply };
}

/** The `Activation` child a block builds for `activation=` (prefix `{act}_`, op name `fwd`). */
function blockActivationIssue(cls: string, act: ArgValue | undefined, env: LayerEnv): LayerIssue | null {
  if (typeof act !== 'string' || (ACT_TYPES as readonly string[]).includes(act)) return null;
  const node = `${env.layerName}_${act}_fwd`;
  const issue = invalidActIssue(act, node, `${cls}(activation='${act}')`);
  return { ...issue, message: gluonMessage(env, node, issue.message) };
}

// ---------------------------------------------------------------------------------------------
// Dense

const DENSE_PARAMS: ParamSpec[] = [
  { name: 'units' },
  { name: 'activation', default: null },
  { name: 'use_bias', default: true },
  { name: 'flatten', default: true },
  { name: 'dtype', default: 'float32' },
  { name: 'weight_initializer', default: null },
  { name: 'bias_initializer', default: 'zeros' },
  { name: 'in_units', default: 0 },
];

function denseApply(args: BoundArgs, inputs: ArgValue[], env: LayerEnv, state: Record<string, Dim> | undefined): LayerOutcome {
  const units = intArg(args.get('units'));
  const flatten = boolArg(args.get('flatten'), true);
  const useBias = boolArg(args.get('use_bias'), true);
  const x = inputShape(inputs[0]);
  if (units === null || flatten === null || useBias === null || !x) return { ...unknownOut(), params: null };
  const { inUnits, out } = fcShape(x, units, flatten);
  const explicitIn = intArg(args.get('in_units'));
  const explicit = explicitIn !== null && explicitIn > 0 ? explicitIn : null;
  const remembered = state && isKnown(state.inUnits) ? state.inUnits : null;
  const provided = explicit ?? remembered;
  const used = provided ?? (isKnown(inUnits) ? inUnits : null);
  const params = used === null ? null : used * units + (useBias ? units : 0);
  const base: LayerOutcome = { output: tensor(out, 'mxnet'), params, trainableParams: params, state: used === null ? undefined : { inUnits: used } };
  if (provided !== null && isKnown(inUnits) && provided !== inUnits) {
    return { ...base, output: tensor(null, 'mxnet'), issue: denseMismatch(units, provided, inUnits, flatten, explicit !== null, x, env) };
  }
  base.notes = denseNotes(inUnits, flatten, explicit !== null, x);
  const act = blockActivationIssue('Dense', args.get('activation'), env);
  return act ? { ...base, issue: act } : base;
}

function denseNotes(inUnits: Dim, flatten: boolean, explicit: boolean, x: Shape): string[] {
  if (explicit || !isKnown(inUnits)) return [];
  const how = flatten && x.dims.length > 2 ? ` = ${x.dims.slice(1).join('·')} (flatten=True collapses all axes but the first)` : '';
  return [`in_units inferred as ${inUnits}${how}`];
}

function denseMismatch(units: number, provided: number, inferred: number, flatten: boolean, explicit: boolean, x: Shape, env: LayerEnv): LayerIssue {
  const where = flatten ? `the flattened input (${x.dims.slice(1).join('·')} = ${inferred})` : `the input's last axis (${inferred})`;
  const origin = explicit ? `in_units=${provided}` : `its first call (in_units inferred as ${provided})`;
  const issue: LayerIssue = {
    rule: 'features-mismatch',
    message: gluonMessage(env, `${env.layerName}_fwd`, shapeInconsistent([units, provided], [units, inferred])),
    explanation: [`Dense: the weight was created for ${provided} input units by ${origin}, but ${where} gives ${inferred}.`],
  };
  if (explicit) {
    issue.fixes = [{ kind: 'set-arg', name: 'in_units', value: String(inferred), title: `Set in_units=${inferred}`, applicability: 'safe' }];
  }
  return issue;
}

// ---------------------------------------------------------------------------------------------
// Shape-preserving and simple blocks

export function identityApply(_args: BoundArgs, inputs: ArgValue[]): LayerOutcome {
  return { output: tensor(inputShape(inputs[0]), 'mxnet') };
}

function flattenApply(_args: BoundArgs, inputs: ArgValue[]): LayerOutcome {
  const x = inputShape(inputs[0]);
  if (!x || x.open || x.dims.length === 0) return unknownOut();
  return { output: tensor(ranked([x.dims[0], product(x.dims.slice(1))]), 'mxnet') };
}

function activationApply(args: BoundArgs, inputs: ArgValue[], env: LayerEnv): LayerOutcome {
  const act = args.get('activation');
  const out = identityApply(args, inputs);
  if (typeof act !== 'string' || (ACT_TYPES as readonly string[]).includes(act)) return out;
  const node = `${env.layerName}_fwd`;
  const issue = invalidActIssue(act, node, `Activation('${act}')`);
  return { output: tensor(null, 'mxnet'), issue: { ...issue, message: gluonMessage(env, node, issue.message) } };
}

/** Normalisation over one axis: `total` params per channel, `trainable` of them trainable. */
export function normApply(axisDefault: number, perChannel: (args: BoundArgs) => { total: number; trainable: number } | null) {
  return (args: BoundArgs, inputs: ArgValue[]): LayerOutcome => {
    const x = inputShape(inputs[0]);
    const axis = intArg(args.get('axis') ?? axisDefault);
    const per = perChannel(args);
    if (!x || axis === null || !per) return { output: tensor(x, 'mxnet'), params: null };
    const c = dimAt(x, axis);
    if (c === undefined || !isKnown(c)) return { output: tensor(x, 'mxnet'), params: null };
    return { output: tensor(x, 'mxnet'), params: per.total * c, trainableParams: per.trainable * c };
  };
}

/**
 * BatchNorm: gamma, beta, running mean and var (4·C, the last two with grad_req 'null').
 * An explicit in_channels that disagrees is not caught by 1.9.1's shape inference
 * (`BatchNormShape` overwrites the parameter shapes), so no issue is raised.
 */
export function bnCounts(args: BoundArgs): { total: number; trainable: number } | null {
  const center = boolArg(args.get('center'), true);
  const scale = boolArg(args.get('scale'), true);
  if (center === null || scale === null) return null;
  return { total: 4, trainable: (center ? 1 : 0) + (scale ? 1 : 0) };
}

function lnCounts(args: BoundArgs): { total: number; trainable: number } | null {
  const c = bnCounts(args);
  return c && { total: 2, trainable: c.trainable };
}

export function embeddingApply(args: BoundArgs, inputs: ArgValue[]): LayerOutcome {
  const inDim = intArg(args.get('input_dim'));
  const outDim = intArg(args.get('output_dim'));
  const x = inputShape(inputs[0]);
  const params = inDim !== null && outDim !== null ? inDim * outDim : null;
  if (!x || outDim === null) return { output: tensor(null, 'mxnet'), params, trainableParams: params };
  return { output: tensor({ dims: [...x.dims, outDim], open: x.open }, 'mxnet'), params, trainableParams: params };
}

/** `ReflectionPad2D(padding)`: an int pads H and W on both sides; an 8-tuple is `pad_width`. */
function reflectionPadApply(args: BoundArgs, inputs: ArgValue[]): LayerOutcome {
  const x = inputShape(inputs[0]);
  const p = args.get('padding');
  let widths: number[] | null = null;
  if (typeof p === 'number' && Number.isInteger(p)) widths = [0, 0, 0, 0, p, p, p, p];
  else if (Array.isArray(p) && p.length === 8 && p.every((v) => typeof v === 'number')) widths = p as number[];
  if (!x || x.open || x.dims.length !== 4 || !widths) return unknownOut();
  const w = widths;
  const dims = x.dims.map((d, i) => (isKnown(d) ? d + w[2 * i] + w[2 * i + 1] : d));
  return { output: tensor(ranked(dims), 'mxnet') };
}

function prelu(args: BoundArgs, inputs: ArgValue[]): LayerOutcome {
  const c = intArg(args.get('in_channels'));
  return { output: tensor(inputShape(inputs[0]), 'mxnet'), params: c, trainableParams: c };
}

function opaqueApply(): LayerOutcome {
  // A user function: its result is unknown, and never an error.
  return { output: tensor(null, 'mxnet') };
}

export const BN_PARAMS: ParamSpec[] = ['axis', 'momentum', 'epsilon', 'center', 'scale', 'use_global_stats', 'beta_initializer', 'gamma_initializer', 'running_mean_initializer', 'running_variance_initializer', 'in_channels'].map(
      (name, i) => ({ name, default: [1, 0.9, 1e-5, true, true, false, 'zeros', 'ones', 'zeros', 'ones', 0][i] as ArgValue }),
    );

function groupNormApply(args: BoundArgs, inputs: ArgValue[]): LayerOutcome {
  const g = intArg(args.get('num_groups'));
  const center = boolArg(args.get('center'), true);
  const scale = boolArg(args.get('scale'), true);
  const params = g === null ? null : 2 * g;
  const trainable = g === null || center === null || scale === null ? null : g * ((center ? 1 : 0) + (scale ? 1 : 0));
  return { output: tensor(inputShape(inputs[0]), 'mxnet'), params, trainableParams: trainable };
}

export const basicLayers: LayerDef[] = [
  layer('Dense', DENSE_PARAMS, denseApply),
  layer('Flatten', [], flattenApply),
  layer('Dropout', [{ name: 'rate' }, { name: 'axes', default: [] }], identityApply),
  layer('Identity', [], identityApply),
  layer('Activation', [{ name: 'activation' }], activationApply),
  layer('LeakyReLU', [{ name: 'alpha' }], identityApply),
  layer('PReLU', [{ name: 'alpha_initializer', default: null }, { name: 'in_channels', default: 1 }], prelu),
  layer('ELU', [{ name: 'alpha', default: 1.0 }], identityApply),
  layer('SELU', [], identityApply),
  layer('Swish', [{ name: 'beta', default: 1.0 }], identityApply),
  layer('GELU', [], identityApply),
  layer('BatchNorm', BN_PARAMS, normApply(1, bnCounts)),
  // One gamma and beta per group in MXNet 1.x (basic_layers.py `GroupNorm`, shape (num_groups,)).
  layer('GroupNorm', ['num_groups', 'epsilon', 'center', 'scale', 'beta_initializer', 'gamma_initializer'].map((name, i) => ({ name, default: [1, 1e-5, true, true, 'zeros', 'ones'][i] as ArgValue })), groupNormApply),
  layer(
    'LayerNorm',
    ['axis', 'epsilon', 'center', 'scale', 'beta_initializer', 'gamma_initializer', 'in_channels'].map((name, i) => ({
      name,
      default: [-1, 1e-5, true, true, 'zeros', 'ones', 0][i] as ArgValue,
    })),
    normApply(-1, lnCounts),
  ),
  layer(
    'InstanceNorm',
    ['axis', 'epsilon', 'center', 'scale', 'beta_initializer', 'gamma_initializer', 'in_channels'].map((name, i) => ({
      name,
      default: [1, 1e-5, true, false, 'zeros', 'ones', 0][i] as ArgValue,
    })),
    normApply(1, lnCounts),
  ),
  layer(
    'Embedding',
    [{ name: 'input_dim' }, { name: 'output_dim' }, { name: 'dtype', default: 'float32' }, { name: 'weight_initializer', default: null }, { name: 'sparse_grad', default: false }],
    embeddingApply,
  ),
  layer('ReflectionPad2D', [{ name: 'padding', default: 0 }], reflectionPadApply),
  layer('Lambda', [{ name: 'function' }], opaqueApply),
  layer('HybridLambda', [{ name: 'function' }], opaqueApply),
];
