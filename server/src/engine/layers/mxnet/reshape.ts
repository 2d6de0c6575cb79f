/**
 * MXNet's reshape with special values (`src/operator/tensor/matrix_op-inl.h::InferReshapeShape`):
 *   0 copies the next input dim, -1 is inferred, -2 copies all remaining dims,
 *   -3 merges the next two dims, -4 splits the next dim into the two values that follow.
 * A positive value, like 0 and -1, consumes one input dim. `reverse` applies it right to left.
 */
import type { Dim } from '../../types';
import { isKnown } from '../../shapes';

export type ReshapeResult = { dims: Dim[] } | { sizeMismatch: { target: Dim[]; source: Dim[] } } | null;

/** Null when the spec is malformed or MXNet's own check text is not one we reproduce. */
export function inferReshape(spec: number[], source: Dim[], reverse: boolean): ReshapeResult {
  const src = reverse ? [...source].reverse() : source;
  const params = reverse ? [...spec].reverse() : spec;
  const out = expandSpecial(params, src);
  if (!out) return null;
  const { tmp, inferIdx } = out;
  if (inferIdx >= 0) {
    const ratio = sizeRatio(src, tmp.filter((_, i) => i !== inferIdx));
    tmp[inferIdx] = ratio !== null && ratio.den !== 0 ? Math.floor(ratio.num / ratio.den) : null;
  }
  const dims = reverse ? tmp.reverse() : tmp;
  const r = sizeRatio(source, dims);
  if (r !== null && r.num !== r.den) return { sizeMismatch: { target: dims, source } };
  return { dims };
}

/**
 * Source size over target size when it can be known: numeric dims multiply, and a symbolic dim
 * (the batch `N`) cancels when both sides carry it (`reshape((0, -1))` keeps N).
 */
function sizeRatio(source: Dim[], target: Dim[]): { num: number; den: number } | null {
  const split = (dims: Dim[]) => {
    let n = 1;
    const syms: string[] = [];
    for (const d of dims) {
      if (isKnown(d)) n *= d;
      else if (typeof d === 'string') syms.push(d);
      else return null;
    }
    return { n, syms: syms.sort().join('\u0000') };
  };
  const [a, b] = [split(source), split(target)];
  if (!a || !b || a.syms !== b.syms) return null;
  return { num: a.n, den: b.n };
}

function expandSpecial(params: number[], src: Dim[]): { tmp: Dim[]; inferIdx: number } | null {
  const tmp: Dim[] = [];
  let s = 0;
  let inferIdx = -1;
  for (let i = 0; i < params.length; i++) {
    const v = params[i];
    if (v === 0) {
      if (s >= src.length) return null;
      tmp.push(src[s++]);
    } else if (v === -1) {
      if (inferIdx >= 0) return null; // "One and only one dim can be inferred"
      // MXNet stores the inferred size at the -1's index in the spec, not in the output: after a
      // -2 or -4 the two differ and its result is not the one intended (or out of bounds).
      if (i !== tmp.length) return null;
      inferIdx = tmp.length;
      tmp.push(1);
      s++;
    } else if (v === -2) {
      while (s < src.length) tmp.push(src[s++]);
    } else if (v === -3) {
      if (s >= src.length - 1) return null;
      const [a, b] = [src[s++], src[s++]];
      tmp.push(isKnown(a) && isKnown(b) ? a * b : null);
    } else if (v === -4) {
      if (i + 2 >= params.length || s >= src.length) return null;
      const d0 = src[s++];
      let [d1, d2] = [params[++i], params[++i]];
      if (d1 === -1 && d2 === -1) return null;
      if (!isKnown(d0)) {
        if (d1 === -1 || d2 === -1) return null;
        tmp.push(d1, d2);
        continue;
      }
      if (d1 === -1) d1 = Math.floor(d0 / d2);
      if (d2 === -1) d2 = Math.floor(d0 / d1);
      if (d1 * d2 !== d0) return null; // "Split dims … do not divide original dim …"
      tmp.push(d1, d2);
    } else if (v > 0) {
      tmp.push(v);
      s++;
    } else {
      return null;
    }
  }
  return { tmp, inferIdx };
}
