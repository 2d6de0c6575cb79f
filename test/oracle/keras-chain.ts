/**
 * Runs a Keras layer stack by chaining the catalogue's `LayerDef`s directly (no interpreter):
 * binds arguments like the interpreter does, constructs, applies, threads the state. Used by the
 * unit tests and by the oracle test to check the catalogue on its own.
 */
import { findLayer } from '../../server/src/engine/layers/index';
import type { ArgValue, LayerDef, LayerEnv, LayerIssue, LayerOutcome } from '../../server/src/engine/layers/types';
import { isTensor, tensor } from '../../server/src/engine/layers/types';
import { BATCH, ranked } from '../../server/src/engine/shapes';
import type { Dim, Shape } from '../../server/src/engine/types';

export function kerasDef(cls: string): LayerDef {
  const d = findLayer(cls.includes('.') ? cls : `keras.layers.${cls}`);
  if (!d) throw new Error(`no LayerDef registered for ${cls}`);
  return d;
}

import { bindArgs } from '../helpers/bind-args';
export { bindArgs };

export function kerasEnv(layerName = 'layer', format: LayerEnv['kerasDataFormat'] = 'channels_last'): LayerEnv {
  return { kerasDataFormat: format, kerasDataFormatSource: 'Keras default', layerName, hybridized: false };
}

/** `(None, 5, 3)`-style input with the batch as the symbol N. */
export function kerasInput(dims: (number | null)[], batch: Dim = BATCH): Shape {
  return ranked([batch, ...dims]);
}

export interface LayerCall {
  cls: string;
  pos?: ArgValue[];
  kw?: Record<string, ArgValue>;
}

export interface ChainStep {
  cls: string;
  outcome: LayerOutcome | null;
  issue: LayerIssue | null;
}

export interface ChainResult {
  steps: ChainStep[];
  /** Index of the layer that raised (construct or apply), or -1. */
  errorAt: number;
  issue: LayerIssue | null;
}

/** Constructs and applies each layer in turn, stopping at the first issue (where Keras raises). */
export function runChain(input: Shape, layers: LayerCall[], format: LayerEnv['kerasDataFormat'] = 'channels_last'): ChainResult {
  let x: ArgValue = tensor(input, 'keras');
  const steps: ChainStep[] = [];
  for (let i = 0; i < layers.length; i++) {
    const call = layers[i];
    const d = kerasDef(call.cls);
    const args = bindArgs(d, call.pos ?? [], call.kw ?? {});
    const env = kerasEnv(`layer_${i}`, format);
    const ctorIssue = d.construct?.(args, env) ?? null;
    if (ctorIssue) {
      steps.push({ cls: call.cls, outcome: null, issue: ctorIssue });
      return { steps, errorAt: i, issue: ctorIssue };
    }
    const outcome = d.apply(args, [x], env, undefined);
    steps.push({ cls: call.cls, outcome, issue: outcome.issue ?? null });
    if (outcome.issue) return { steps, errorAt: i, issue: outcome.issue };
    x = outcome.output;
  }
  return { steps, errorAt: -1, issue: null };
}

/** The output shape of a step as Keras prints it (`[null, 5, 3]`, batch symbol → null). */
export function keraslike(o: LayerOutcome | null): (number | null)[] | null {
  if (!o || !isTensor(o.output) || !o.output.shape || o.output.shape.open) return null;
  return o.output.shape.dims.map((d) => (typeof d === 'number' ? d : null));
}
