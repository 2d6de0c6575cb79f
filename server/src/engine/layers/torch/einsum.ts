/**
 * torch.einsum: parses the equation, checks every operand against its subscripts the way
 * ATen's einsum does (same order, same messages) and computes the output shape. Anything the
 * parser does not understand leaves the output unknown.
 */
import { isKnown } from '../../shapes';
import type { Dim, Shape } from '../../types';
import { isTensor, type ArgValue, type BoundArgs, type LayerDef, type LayerOutcome } from '../types';
import { failed, issue, msgDim, out, showShape } from './common';

interface Term {
  labels: string[];
  ellipsis: boolean;
  /** Index in `labels` where `...` stands (labels before it come first). */
  at: number;
}

function parseTerm(t: string): Term | null {
  const parts = t.split('...');
  if (parts.length > 2) return null;
  const ok = (s: string) => /^[A-Za-z]*$/.test(s);
  if (!parts.every(ok)) return null;
  return { labels: [...parts.join('')], ellipsis: parts.length === 2, at: parts[0].length };
}

/** Implicit output order: uppercase before lowercase, then alphabetical (ATen's label order). */
function labelOrder(a: string, b: string): number {
  const rank = (c: string) => (c >= 'A' && c <= 'Z' ? 0 : 26) + c.toLowerCase().charCodeAt(0);
  return rank(a) - rank(b);
}

function einsumIssue(message: string, why: string): LayerOutcome {
  return failed(issue('features-mismatch', message, [why]));
}

export function applyEinsum(eqV: ArgValue | undefined, opsV: ArgValue | undefined): LayerOutcome {
  if (typeof eqV !== 'string' || !Array.isArray(opsV)) return out(null);
  const ops = opsV.length === 1 && Array.isArray(opsV[0]) ? opsV[0] : opsV;
  const eq = eqV.replace(/\s+/g, '');
  const [lhs, rhs, extra] = eq.split('->');
  if (extra !== undefined) return out(null);
  const terms = lhs.split(',').map(parseTerm);
  if (terms.some((t) => t === null)) return out(null);
  if (ops.length < terms.length) return einsumIssue('einsum(): fewer operands were provided than specified in the equation', `"${eqV}" names ${terms.length} operands; ${ops.length} given.`);
  if (ops.length > terms.length) return einsumIssue('einsum(): more operands were provided than specified in the equation', `"${eqV}" names ${terms.length} operands; ${ops.length} given.`);
  const shapes = ops.map((o) => (isTensor(o) ? o.shape : null));
  if (shapes.some((s) => !s || s.open)) return out(null);
  const sizes = new Map<string, Dim>();
  const counts = new Map<string, number>();
  let ell: Dim[] = [];
  for (let i = 0; i < terms.length; i++) {
    const t = terms[i] as Term, s = shapes[i] as Shape;
    const n = t.labels.length, r = s.dims.length;
    if (!t.ellipsis && n !== r)
      return einsumIssue(`einsum(): the number of subscripts in the equation (${n}) does not match the number of dimensions (${r}) for operand ${i} and no ellipsis was given`, `operand ${i} ${showShape(s)} against "${terms.length > 1 ? lhs.split(',')[i] : lhs}".`);
    if (t.ellipsis && n > r)
      return einsumIssue(`einsum(): the number of subscripts in the equation (${n}) is more than the number of dimensions (${r}) for operand ${i}`, `operand ${i} ${showShape(s)} has fewer axes than subscripts.`);
    const ellDims = s.dims.slice(t.at, t.at + r - n);
    const labelDims = [...s.dims.slice(0, t.at), ...s.dims.slice(t.at + r - n)];
    const seenHere = new Map<string, Dim>();
    for (let j = 0; j < n; j++) {
      const c = t.labels[j], d = labelDims[j];
      const first = seenHere.get(c);
      if (first !== undefined) {
        if (isKnown(first) && isKnown(d) && first !== d)
          return einsumIssue(`einsum(): subscript ${c} is repeated for operand ${i} but the sizes don't match, ${d} != ${first}`, `subscript ${c} of operand ${i} ${showShape(s)} names axes of different sizes.`);
        continue;
      }
      seenHere.set(c, d);
      counts.set(c, (counts.get(c) ?? 0) + 1);
      const prev = sizes.get(c);
      if (prev === undefined || prev === 1) sizes.set(c, prev === 1 && d === null ? null : d);
      else if (isKnown(prev) && isKnown(d) && d !== 1 && d !== prev)
        return einsumIssue(`einsum(): subscript ${c} has size ${d} for operand ${i} which does not broadcast with previously seen size ${prev}`, `subscript ${c} is ${prev} in an earlier operand but ${msgDim(d)} in operand ${i} ${showShape(s)}.`);
    }
    const merged = broadcastEllipsis(ell, ellDims);
    if (!merged) return out(null);
    ell = merged;
  }
  const anyEllipsis = terms.some((t) => t!.ellipsis);
  if (rhs === undefined) {
    const once = [...counts.keys()].filter((c) => counts.get(c) === 1).sort(labelOrder);
    return out({ dims: [...(anyEllipsis ? ell : []), ...once.map((c) => sizes.get(c) ?? null)], open: false });
  }
  const outTerm = parseTerm(rhs);
  if (!outTerm) return out(null);
  for (const c of outTerm.labels)
    if (!sizes.has(c)) return einsumIssue(`einsum(): output subscript ${c} does not appear in the equation for any input operand`, `"${eqV}" uses ${c} only in its output.`);
  const dims = outTerm.labels.map((c) => sizes.get(c) ?? null);
  if (outTerm.ellipsis) dims.splice(outTerm.at, 0, ...ell);
  return out({ dims, open: false });
}

/** Right-aligned broadcast of the dims the ellipses cover; null when they may not broadcast. */
function broadcastEllipsis(a: Dim[], b: Dim[]): Dim[] | null {
  const n = Math.max(a.length, b.length);
  const res: Dim[] = [];
  for (let k = n; k >= 1; k--) {
    const x = a[a.length - k], y = b[b.length - k];
    if (x === undefined) res.push(y);
    else if (y === undefined || y === 1) res.push(x);
    else if (x === 1) res.push(y);
    else if (isKnown(x) && isKnown(y) && x !== y) return null;
    else res.push(isKnown(x) ? x : y);
  }
  return res;
}

export const einsumLayers: LayerDef[] = [
  {
    framework: 'torch',
    names: ['torch.einsum'],
    params: [{ name: 'equation' }, { name: 'operands', variadic: true }],
    kind: 'op',
    apply: (args: BoundArgs) => applyEinsum(args.get('equation'), args.get('operands')),
  },
];
