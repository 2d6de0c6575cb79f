/**
 * Runs a PyTorch layer stack by chaining the catalogue's LayerDefs directly (no interpreter):
 * binds arguments the way the interpreter does (variadic params included), constructs,
 * applies and threads each layer's state. Used by the unit tests and the oracle generator.
 */
import { findLayer } from '../../server/src/engine/layers/index';
import { isTensor, tensor, type ArgValue, type BoundArgs, type LayerDef, type LayerEnv, type LayerIssue, type LayerOutcome } from '../../server/src/engine/layers/types';
import type { Shape } from '../../server/src/engine/types';

export const TORCH_ENV: LayerEnv = { kerasDataFormat: 'channels_last', kerasDataFormatSource: 'default', layerName: 'layer', hybridized: false };

export function torchDef(name: string): LayerDef {
  const d = findLayer(name.includes('.') ? name : `torch.nn.${name}`);
  if (!d) throw new Error(`no LayerDef registered for ${name}`);
  return d;
}

import { bindArgs as bind } from '../helpers/bind-args';
export { bind };

/** Calls an op def (function, method or factory) at once. */
export function callOp(name: string, pos: ArgValue[] = [], kw: Record<string, ArgValue> = {}): LayerOutcome {
  const d = torchDef(name);
  const args = bind(d, pos, kw);
  return d.apply(args, pos.filter(isTensor), TORCH_ENV, undefined);
}

export interface LayerCall {
  cls: string;
  pos?: ArgValue[];
  kw?: Record<string, ArgValue>;
}

export interface ChainStep {
  cls: string;
  outcome: LayerOutcome | null;
  constructIssue: LayerIssue | null;
  shape: Shape | null;
}

/** Runs the stack on `input`; stops at the first issue (PyTorch raises there). */
export function runChain(layers: LayerCall[], input: Shape): { steps: ChainStep[]; issue: LayerIssue | null; failedAt: number | null } {
  const steps: ChainStep[] = [];
  const built = layers.map((l) => ({ def: torchDef(l.cls), args: null as BoundArgs | null, l }));
  // Modules are all constructed before the forward call, so construct errors come first.
  for (let i = 0; i < built.length; i++) {
    const b = built[i];
    b.args = bind(b.def, b.l.pos, b.l.kw);
    const c = b.def.construct?.(b.args, TORCH_ENV) ?? null;
    if (c) return { steps: [{ cls: b.l.cls, outcome: null, constructIssue: c, shape: null }], issue: c, failedAt: i };
  }
  let x: ArgValue = tensor(input, 'torch');
  for (let i = 0; i < built.length; i++) {
    const b = built[i];
    const o = b.def.apply(b.args as BoundArgs, [x], TORCH_ENV, undefined);
    const first = Array.isArray(o.output) ? o.output[0] : o.output;
    const shape = isTensor(first) ? first.shape : null;
    steps.push({ cls: b.l.cls, outcome: o, constructIssue: null, shape });
    if (o.issue) return { steps, issue: o.issue, failedAt: i };
    x = first;
  }
  return { steps, issue: null, failedAt: null };
}
