/**
 * Binds plain ArgValues to a LayerDef's params the way the interpreter does (positional in
 * order, a variadic param takes the rest, keywords by name, defaults applied), for tests that
 * chain catalogue defs without the interpreter.
 */
import type { ArgValue, BoundArgs, LayerDef } from '../../server/src/engine/layers/types';

export function bindArgs(d: LayerDef, pos: ArgValue[] = [], kw: Record<string, ArgValue> = {}): BoundArgs {
  const values = new Map<string, ArgValue>();
  let i = 0;
  for (const p of d.params) {
    if (i >= pos.length) break;
    if (p.variadic) {
      values.set(p.name, pos.slice(i));
      i = pos.length;
    } else values.set(p.name, pos[i++]);
  }
  if (i < pos.length) throw new Error(`too many positional arguments for ${d.names[0]}`);
  const extra: string[] = [];
  for (const [k, v] of Object.entries(kw)) {
    if (!d.params.some((p) => p.name === k)) extra.push(k);
    values.set(k, v);
  }
  return {
    get: (name) => (values.has(name) ? values.get(name) : d.params.find((p) => p.name === name)?.default),
    explicit: (name) => values.has(name),
    extraKeywords: extra,
  };
}
