/** The small vocabulary every MXNet operator module shares: how an op is declared and how it reads its tensors. */
import type { Dim, Shape } from '../../types';
import type { ArgValue, BoundArgs, LayerIssue, LayerOutcome, ParamSpec, TensorValue } from '../types';
import { isTensor, tensor } from '../types';

export type Apply = (args: BoundArgs) => LayerOutcome;

export interface OpSpec {
  names: string[];
  params: ParamSpec[];
  apply: Apply;
}

/** Params in MXNet's order: a name is required, `[name, default]` optional, `['*', name]` variadic. */
export function p(...names: (string | [string, ArgValue] | ['*', string])[]): ParamSpec[] {
  const out: ParamSpec[] = names.map((n) =>
    typeof n === 'string' ? { name: n } : n[0] === '*' ? { name: n[1] as string, variadic: true } : { name: n[0], default: n[1] },
  );
  // Every operator takes `name=`; it names the node in symbolic error messages.
  out.push({ name: 'name', default: null });
  return out;
}

export function mx(shape: Shape | null): TensorValue {
  return tensor(shape, 'mxnet');
}

export function unknown(): LayerOutcome {
  return { output: mx(null) };
}

/** The tensor argument's shape, or null. */
export function shapeOf(v: ArgValue | undefined): Shape | null {
  return isTensor(v) && v.shape ? v.shape : null;
}

/** The dims of a tensor argument of known rank, or null. */
export function closed(v: ArgValue | undefined): Dim[] | null {
  const s = shapeOf(v);
  return s && !s.open ? s.dims : null;
}

export function nodeName(args: BoundArgs): string {
  const n = args.get('name');
  return typeof n === 'string' ? n : '…';
}

export function issueOut(issue: LayerIssue): LayerOutcome {
  return { output: mx(null), issue };
}
