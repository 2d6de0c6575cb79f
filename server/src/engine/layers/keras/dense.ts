/**
 * Keras dense-like layers beyond core.ts: EinsumDense (Keras 3.15 `_analyze_split_string`, for
 * equations without an ellipsis) and ReversibleEmbedding.
 */
import type { Dim } from '../../types';
import type { ArgValue, BoundArgs, LayerDef, LayerOutcome } from '../types';
import { asInt } from '../types';
import { asBool, inputTensor, issue, kerasTensor, params, prodKnown, unknownOutcome } from './common';

const EQUATION = /^([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)$/;

function applyEinsumDense(args: BoundArgs, inputs: unknown[]): LayerOutcome {
  const x = inputTensor(inputs as ArgValue[]);
  const eq = args.get('equation');
  const m = typeof eq === 'string' ? EQUATION.exec(eq.replace(/\s/g, '')) : null;
  const outArg = args.get('output_shape');
  const tail = typeof outArg === 'number' ? [outArg] : Array.isArray(outArg) ? outArg : null;
  if (!x || !x.shape || x.shape.open || !m || !tail) return unknownOutcome(null);
  const [, inSpec, wSpec, outSpec] = m;
  const input = x.shape.dims;
  // An ellipsis-free equation names every input axis.
  if (input.length !== inSpec.length) return unknownOutcome(null);
  const output: Dim[] = [input[0], ...tail.map((d) => (typeof d === 'number' ? d : null))];
  if (output.length !== outSpec.length) return unknownOutcome(null);
  for (const [i, c] of [...inSpec].entries()) {
    const j = outSpec.indexOf(c);
    const o = j >= 0 ? output[j] : null;
    if (typeof o === 'number' && typeof input[i] === 'number' && o !== input[i]) {
      return { output: kerasTensor(null), params: null, issue: issue('invalid-argument',
        `Input shape and output shape do not match at shared dimension '${c}'. Input shape is ${input[i]}, and output shape is ${o}.`,
        [`axis '${c}' appears in the input and the output of "${eq as string}": its size cannot change`]) };
    }
  }
  const weight = [...wSpec].map((c): Dim => {
    const j = outSpec.indexOf(c);
    if (j >= 0) return output[j];
    const i = inSpec.indexOf(c);
    return i >= 0 ? input[i] : null;
  });
  const bias = args.get('bias_axes');
  const biasDims = typeof bias === 'string' ? [...bias].map((c) => { const j = outSpec.indexOf(c); return j >= 0 ? output[j] : null; }) : [];
  const w = prodKnown(weight);
  const b = bias === null || bias === undefined ? 0 : typeof bias === 'string' ? prodKnown(biasDims) : null;
  return { output: kerasTensor({ dims: output, open: false }), params: w === null || b === null ? null : w + b };
}

function applyReversibleEmbedding(args: BoundArgs, inputs: unknown[]): LayerOutcome {
  const x = inputTensor(inputs as ArgValue[]);
  const inDim = asInt(args.get('input_dim'));
  const outDim = asInt(args.get('output_dim'));
  const tied = asBool(args.get('tie_weights'), true);
  // Untied weights add a separate (output_dim, input_dim) reverse projection.
  const p = inDim !== null && outDim !== null && tied !== null ? inDim * outDim * (tied ? 1 : 2) : null;
  if (!x || !x.shape) return unknownOutcome(p);
  return { output: kerasTensor({ dims: [...x.shape.dims, outDim], open: x.shape.open }), params: p };
}

export const denseLayers: LayerDef[] = [
  {
    framework: 'keras', names: ['keras.layers.EinsumDense'], kind: 'layer', apply: applyEinsumDense,
    params: params('equation', 'output_shape', ['activation', null], ['bias_axes', null], ['kernel_initializer', null],
      ['bias_initializer', null], ['kernel_regularizer', null], ['bias_regularizer', null],
      ['kernel_constraint', null], ['bias_constraint', null], ['lora_rank', null],
      ['lora_alpha', null], ['gptq_unpacked_column_size', null], ['quantization_config', null]),
  },
  {
    framework: 'keras', names: ['keras.layers.ReversibleEmbedding'], kind: 'layer', apply: applyReversibleEmbedding,
    params: params('input_dim', 'output_dim', ['tie_weights', true], ['embeddings_initializer', 'uniform'],
      ['embeddings_regularizer', null], ['embeddings_constraint', null], ['mask_zero', false], ['reverse_dtype', null],
      ['logit_soft_cap', null]),
  },
];
