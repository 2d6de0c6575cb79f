/**
 * Output-length arithmetic of Keras 3 convolutions and pooling along one spatial axis
 * (`keras/src/ops/operation_utils.py`, `backend/common/backend_utils.py`), with the formula text
 * shown in hovers.
 */
import type { Dim } from '../../types';

export interface AxisResult {
  out: Dim;
  formula: string;
}

/** Conv or pool output length: `valid` floors, `same`/`causal` give ceil(n/s) whatever k is. */
export function windowLength(n: Dim, ek: number, s: number, padding: string): AxisResult {
  if (typeof n !== 'number') return { out: null, formula: 'unknown input size' };
  if (padding === 'valid') {
    const out = Math.floor((n - ek) / s) + 1;
    return { out, formula: `floor((${n} − ${ek}) / ${s}) + 1 = ${out}` };
  }
  const out = Math.floor((n - 1) / s) + 1;
  return { out, formula: `ceil(${n} / ${s}) = ${out}` };
}

/** Transposed-conv output length (`_get_output_shape_given_tf_padding`). */
export function transposeLength(n: Dim, ek: number, s: number, padding: string, op: number | null): AxisResult {
  if (typeof n !== 'number') return { out: null, formula: 'unknown input size' };
  if (op === null) {
    if (padding === 'valid') {
      const out = n * s + Math.max(ek - s, 0);
      return { out, formula: `${n} × ${s} + max(${ek} − ${s}, 0) = ${out}` };
    }
    const out = n * s;
    return { out, formula: `${n} × ${s} = ${out}` };
  }
  if (padding === 'valid') {
    const out = (n - 1) * s + ek + op;
    return { out, formula: `(${n} − 1) × ${s} + ${ek} + ${op} = ${out}` };
  }
  const out = (n - 1) * s + (ek % 2) + op;
  return { out, formula: `(${n} − 1) × ${s} + ${ek} % 2 + ${op} = ${out}` };
}
