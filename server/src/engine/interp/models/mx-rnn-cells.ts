/**
 * Legacy MXNet `mx.rnn` cells: `LSTMCell`, `GRUCell`, `RNNCell`, `FusedRNNCell`,
 * `SequentialRNNCell` (with `add`) and `BidirectionalCell`, and `unroll(length, inputs,
 * begin_state, layout, merge_outputs)` on a symbol (python/mxnet/rnn/rnn_cell.py). The unrolled
 * output is recorded as one symbol op (`layers/mxnet/rnn-cells.ts`), so binding the symbol
 * evaluates it like any other op. A cell whose arguments the code does not show unrolls to unknown.
 */
import { CELL_GATES, FUSED_GATES, type Stage, UNROLL_STEP, unrollDef } from '../../layers/mxnet/rnn-cells';
import type { EvaluatedArgs } from '../bind';
import { num, str, UNKNOWN_V, type ObjectValue, type Value } from '../values';
import type { ModelContext } from './context';
import type { CallSite } from './interfaces';

const PREFIX = 'mxnet.rnn.';
const CLASSES = new Set(['LSTMCell', 'GRUCell', 'RNNCell', 'FusedRNNCell', 'SequentialRNNCell', 'BidirectionalCell']);
/** Longest `length` unrolled into a list of per-step symbols. */
const MAX_STEPS = 512;

/** Each cell object's stages (null: not known); keyed by identity, so nothing leaks into attributes. */
const cells = new WeakMap<ObjectValue, { cls: string; stages: Stage[] | null }>();

export function isRnnCellClass(path: string): boolean {
  return path.startsWith(PREFIX) && CLASSES.has(path.slice(PREFIX.length));
}

function intOf(v: Value | undefined): number | null {
  return v && v.t === 'num' && Number.isInteger(v.v) ? v.v : null;
}

function arg(args: EvaluatedArgs, name: string, pos: number): Value | undefined {
  return args.keywords.get(name) ?? args.positional[pos];
}

function stagesOf(cls: string, args: EvaluatedArgs): Stage[] | null {
  if (cls in CELL_GATES) {
    const h = intOf(arg(args, 'num_hidden', 0));
    return h === null ? null : [[[CELL_GATES[cls], h]]];
  }
  if (cls === 'FusedRNNCell') {
    const h = intOf(arg(args, 'num_hidden', 0));
    const layers = args.keywords.has('num_layers') || args.positional[1] ? intOf(arg(args, 'num_layers', 1)) : 1;
    const mode = arg(args, 'mode', 2) ?? str('lstm');
    const bi = arg(args, 'bidirectional', 3) ?? { t: 'bool', v: false };
    const g = mode.t === 'str' ? FUSED_GATES[mode.v] : undefined;
    if (h === null || layers === null || layers < 1 || !g || bi.t !== 'bool') return null;
    return Array.from({ length: layers }, () => (bi.v ? [[g, h], [g, h]] : [[g, h]]) as Stage);
  }
  if (cls === 'BidirectionalCell') {
    const [l, r] = [cellStages(arg(args, 'l_cell', 0)), cellStages(arg(args, 'r_cell', 1))];
    return l && r && l.length === 1 && r.length === 1 && l[0].length === 1 && r[0].length === 1 ? [[l[0][0], r[0][0]]] : null;
  }
  return []; // SequentialRNNCell: filled by add()
}

function cellStages(v: Value | undefined): Stage[] | null {
  return v && v.t === 'object' ? cells.get(v)?.stages ?? null : null;
}

/** `mx.rnn.<Cell>(...)`: a cell object. */
export function constructRnnCell(ctx: ModelContext, path: string, args: EvaluatedArgs, site: CallSite): Value {
  const cls = path.slice(PREFIX.length);
  const obj = ctx.containers.newObject(null, null, site.r, null);
  cells.set(obj, { cls, stages: stagesOf(cls, args) });
  return obj;
}

/** `add` and `unroll` on a cell object; undefined for any other object or method. */
export function rnnCellMethod(ctx: ModelContext, obj: ObjectValue, name: string, args: EvaluatedArgs, site: CallSite): Value | undefined {
  const cell = cells.get(obj);
  if (!cell) return undefined;
  if (name === 'add' && cell.cls === 'SequentialRNNCell') {
    const child = cellStages(args.positional[0]);
    cell.stages = cell.stages && child ? [...cell.stages, ...child] : null;
    return UNKNOWN_V;
  }
  if (name === 'unroll') return unroll(ctx, cell, args, site);
  return undefined;
}

function unroll(ctx: ModelContext, cell: { cls: string; stages: Stage[] | null }, args: EvaluatedArgs, site: CallSite): Value {
  const inputs = arg(args, 'inputs', 1);
  const layout = arg(args, 'layout', 3) ?? str('NTC');
  const merge = arg(args, 'merge_outputs', 4);
  if (!cell.stages || cell.stages.length === 0 || !inputs || inputs.t !== 'tensor' || layout.t !== 'str') return { t: 'tuple', items: [UNKNOWN_V, UNKNOWN_V] };
  const stages: Value = { t: 'list', items: cell.stages.map((s) => ({ t: 'list', items: s.map(([g, h]) => ({ t: 'list', items: [num(g), num(h)] })) })) };
  const kw = new Map<string, Value>([['data', inputs], ['stages', stages], ['layout', layout]]);
  const merged = ctx.runs.applyOp(unrollDef(cell.cls), { positional: [], keywords: kw, opaque: false }, site, null);
  // The fused cell returns a merged symbol unless told otherwise; the others a list per step.
  const asList = merge?.t === 'bool' ? !merge.v : cell.cls !== 'FusedRNNCell' && (merge === undefined || merge.t === 'none');
  if (!asList) return { t: 'tuple', items: [merged, UNKNOWN_V] };
  const length = intOf(arg(args, 'length', 0));
  if (length === null || length < 1 || length > MAX_STEPS) return { t: 'tuple', items: [UNKNOWN_V, UNKNOWN_V] };
  const axis = num(layout.v.indexOf('T'));
  const steps: Value[] = Array.from({ length }, () => ctx.runs.applyOp(UNROLL_STEP, { positional: [], keywords: new Map([['data', merged], ['axis', axis]]), opaque: false }, site, null));
  return { t: 'tuple', items: [{ t: 'list', items: steps }, UNKNOWN_V] };
}
