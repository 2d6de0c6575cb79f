/**
 * Tensor factories a Keras script feeds to a model: `keras.ops.zeros/ones/full`,
 * `keras.random.normal/uniform` and TensorFlow's `tf.zeros/ones/fill`, `tf.random.normal/uniform`.
 * The shape is the first argument (batch included).
 */
import { ranked } from '../../shapes';
import type { LayerDef, ParamSpec } from '../types';
import { asDims, tensor, UNKNOWN } from '../types';

const dimsOf = asDims;

function factory(names: string[], params: ParamSpec[]): LayerDef {
  return {
    framework: 'keras',
    names,
    params,
    kind: 'op',
    apply: (args) => {
      const dims = dimsOf(args.get('shape'));
      return { output: dims ? tensor(ranked(dims), 'keras') : UNKNOWN };
    },
  };
}

const rest: ParamSpec = { name: 'rest', variadic: true };

export const factoryOps: LayerDef[] = [
  factory(['keras.ops.zeros', 'keras.ops.ones', 'keras.ops.empty', 'tensorflow.zeros', 'tensorflow.ones'], [{ name: 'shape' }, rest]),
  factory(['keras.ops.full', 'tensorflow.fill'], [{ name: 'shape' }, rest]),
  factory(['keras.random.normal', 'keras.random.uniform', 'tensorflow.random.normal', 'tensorflow.random.uniform'], [{ name: 'shape' }, rest]),
];
