/**
 * Keras layers the catalogue does not know. A layer class under `keras.layers` that has no
 * LayerDef must not cut the model: it still constructs a layer object, appears in summaries and
 * hovers, and its output is unknown (or the input shape, for families that never change it).
 * Its parameter count is unknown, so the model total is unknown too, never a wrong number.
 */
import type { ArgValue, LayerDef } from '../types';
import { inputTensor, kerasTensor, unknownOutcome } from './common';

/** Names under `keras.layers` that are base classes or helpers, not layers to call. */
const NOT_LAYERS = new Set(['Layer', 'Wrapper', 'InputSpec', 'AbstractRNNCell', 'PreprocessingLayer',
  'BaseImageAugmentationLayer']);

/**
 * Families whose output shape is always the input shape, and which have no weights:
 * augmentation (`Random*`), dropout and noise. Matched on the class name.
 */
const SAME_SHAPE_NO_WEIGHTS = /^(Random[A-Z]\w*|\w*Dropout\w*|\w*Noise)$/;

const cache = new Map<string, LayerDef>();

function fallbackDef(qname: string, className: string): LayerDef {
  const sameShape = SAME_SHAPE_NO_WEIGHTS.test(className);
  return {
    framework: 'keras',
    names: [qname],
    params: [{ name: 'args', variadic: true }],
    kind: 'layer',
    apply: (_args, inputs) => {
      const x = inputTensor(inputs as ArgValue[]);
      if (sameShape && x?.shape) return { output: kerasTensor(x.shape) };
      return unknownOutcome(sameShape ? undefined : null);
    },
  };
}

/** A def for an uncatalogued `keras.layers.<Class>` name, or undefined for anything else. */
export function kerasFallbackLayer(qname: string): LayerDef | undefined {
  const m = /^keras\.layers\.([A-Z][A-Za-z0-9_]*)$/.exec(qname);
  if (!m || NOT_LAYERS.has(m[1])) return undefined;
  let def = cache.get(qname);
  if (!def) {
    def = fallbackDef(qname, m[1]);
    if (cache.size < 1000) cache.set(qname, def);
  }
  return def;
}
