/**
 * Input shapes written as annotations or comments rather than code:
 *  - jaxtyping-style annotations on forward/call parameters: `x: Float[Tensor, "batch 3 32 32"]`;
 *  - shapelint's own directive, for code that shows nothing: `# shapelint: input=(N, 3, 224, 224)`
 *    on the line that creates the model, the class line or the forward/call line.
 */
import { openShape, ranked } from '../../shapes';
import type { Expr } from '../../syntax/ast';
import type { Dim, Shape } from '../../types';

const DIRECTIVE = /#\s*shapelint:\s*input(?:-shape)?\s*=\s*[([]([^)\]]*)[)\]]/;

export function parseInputDirective(comment: string): Shape | null {
  const m = DIRECTIVE.exec(comment);
  if (!m) return null;
  const parts = m[1].split(',').map((p) => p.trim()).filter((p) => p.length > 0);
  if (parts.length === 0) return null;
  const dims: Dim[] = [];
  for (const p of parts) {
    if (/^\d+$/.test(p)) dims.push(Number(p));
    else if (p === '?' || p === 'None') dims.push(null);
    else if (/^[A-Za-z_][A-Za-z_0-9]*$/.test(p)) dims.push(p === 'batch' || p === 'B' ? 'N' : p);
    else return null;
  }
  return ranked(dims);
}

const JAX_DTYPES = /^(Float|Int|Bool|Shaped|Num|Real|Inexact|Integer|UInt|Float32|Float64|Float16|BFloat16|Int32|Int64|Complex)$/;

export function parseJaxtyping(ann: Expr): Shape | null {
  if (ann.k !== 'sub') return null;
  const dtype = ann.obj.k === 'name' ? ann.obj.id : ann.obj.k === 'attr' ? ann.obj.name : '';
  if (!JAX_DTYPES.test(dtype)) return null;
  if (ann.index.k !== 'tuple' || ann.index.elts.length !== 2) return null;
  const spec = ann.index.elts[1];
  if (spec.k !== 'str' || spec.value === null) return null;
  const tokens = spec.value.trim().split(/\s+/).filter((t) => t.length > 0);
  const dims: Dim[] = [];
  let open = false;
  for (const [i, t] of tokens.entries()) {
    if (t === '...' || t.startsWith('*')) {
      if (dims.length > 0) return null; // only a leading variadic part is representable
      open = true;
      continue;
    }
    const name = t.replace(/^[#_]/, '');
    if (/^\d+$/.test(name)) dims.push(Number(name));
    else if (/^[A-Za-z_][A-Za-z_0-9]*$/.test(name)) dims.push(i === 0 && /^(b|batch|n|B|N)$/.test(name) ? 'N' : name);
    else dims.push(null);
  }
  return open ? openShape(dims) : ranked(dims);
}
