/**
 * The legacy `mx.rnn` cells (python/mxnet/rnn/rnn_cell.py, MXNet 1.x) once unrolled:
 * `cell.unroll(length, inputs, begin_state=None, layout='NTC', merge_outputs=None)`.
 *
 * A cell is a list of stages; a stage has one direction, or two for a bidirectional layer whose
 * outputs are concatenated. Each direction is `[gates, num_hidden]` (LSTM 4, GRU 3, RNN 1) and
 * owns G·H·I + G·H·H + 2·G·H weights (i2h and h2h weights and biases), I being the previous
 * stage's output size. Unrolling keeps N and T and replaces C by the last stage's size.
 */
import type { Dim } from '../../types';
import { isKnown, ranked } from '../../shapes';
import type { ArgValue, BoundArgs, LayerDef, LayerOutcome } from '../types';
import { intArg } from './mxcore';
import { closed, mx } from './opspec';
import { rnnParamCount } from './params';

export type Direction = [gates: number, hidden: number];
export type Stage = Direction[];

export const CELL_GATES: Record<string, number> = { LSTMCell: 4, GRUCell: 3, RNNCell: 1 };
export const FUSED_GATES: Record<string, number> = { lstm: 4, gru: 3, rnn_relu: 1, rnn_tanh: 1 };

function stagesArg(v: ArgValue | undefined): Stage[] | null {
  if (!Array.isArray(v) || v.length === 0) return null;
  const ok = v.every((s) => Array.isArray(s) && s.length > 0 && s.every((d) => Array.isArray(d) && d.length === 2 && d.every((x) => typeof x === 'number')));
  return ok ? (v as unknown as Stage[]) : null;
}

/** Output size and weight count of the stages on an input of `inSize` features. */
export function unrolledSizes(stages: Stage[], inSize: Dim): { out: number; params: number | null } {
  let size: Dim = inSize;
  let params: number | null = 0;
  for (const stage of stages) {
    const stageParams = stage.map(([g, h]) => (isKnown(size) ? rnnParamCount(g, h, 1, 1, size) : null));
    params = params === null || stageParams.some((x) => x === null) ? null : params + (stageParams as number[]).reduce((a, b) => a + b, 0);
    size = stage.reduce((a, [, h]) => a + h, 0);
  }
  return { out: size as number, params };
}

/** The merged unroll: (N, T, C) to (N, T, H) in NTC, (T, N, C) to (T, N, H) in TNC. */
function unrollApply(args: BoundArgs): LayerOutcome {
  const d = closed(args.get('data'));
  const stages = stagesArg(args.get('stages'));
  const layout = args.get('layout');
  if (!stages) return { output: mx(null), params: null };
  const { out, params } = unrolledSizes(stages, d && d.length === 3 ? d[2] : null);
  if (!d || d.length !== 3 || (layout !== 'NTC' && layout !== 'TNC')) return { output: mx(null), params };
  return { output: mx(ranked([d[0], d[1], out])), params, axisNames: layout.split(''), layout };
}

/** One time step of a merged output, (N, H), for `merge_outputs=False` (`_format_sequence` splits with squeeze_axis). */
function stepApply(args: BoundArgs): LayerOutcome {
  const d = closed(args.get('data'));
  const t = intArg(args.get('axis'));
  if (!d || d.length !== 3 || t === null) return { output: mx(null), params: 0 };
  return { output: mx(ranked(d.filter((_, i) => i !== t))), params: 0 };
}

const unrollDefs = new Map<string, LayerDef>();

/** The op a bound symbol runs for `<cls>.unroll(...)` (named after the cell, for summaries). */
export function unrollDef(cls: string): LayerDef {
  let def = unrollDefs.get(cls);
  if (!def) {
    def = { framework: 'mxsym', names: [`mxnet.symbol.${cls}`], params: [{ name: 'data' }, { name: 'stages' }, { name: 'layout', default: 'NTC' }, { name: 'name', default: null }], kind: 'op', apply: unrollApply };
    unrollDefs.set(cls, def);
  }
  return def;
}

export const UNROLL_STEP: LayerDef = {
  framework: 'mxsym',
  names: ['mxnet.symbol.unroll_step'],
  params: [{ name: 'data' }, { name: 'axis' }, { name: 'name', default: null }],
  kind: 'op',
  apply: stepApply,
};
