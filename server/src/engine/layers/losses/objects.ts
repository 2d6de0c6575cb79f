/**
 * Loss classes of Keras (`keras.losses.CategoricalCrossentropy`) and Gluon
 * (`gluon.loss.SoftmaxCrossEntropyLoss`) as layer objects: constructing one keeps its arguments
 * (`from_logits`, `sparse_label`, `axis`), calling it is where the `target-mismatch` sinks look.
 * The loss value itself is a tensor of unknown shape and the object has no parameters.
 * (PyTorch's loss modules are layer objects already, see `torch/unknown.ts`.)
 */
import { tensor, type LayerDef, type ParamSpec } from '../types';

/** Gluon loss constructors' positional parameters (mxnet/gluon/loss.py, MXNet 1.9). */
const GLUON_PARAMS: Record<string, ParamSpec[]> = {
  SoftmaxCrossEntropyLoss: [{ name: 'axis', default: -1 }, { name: 'sparse_label', default: true }, { name: 'from_logits', default: false }, { name: 'weight', default: null }, { name: 'batch_axis', default: 0 }],
  SoftmaxCELoss: [{ name: 'axis', default: -1 }, { name: 'sparse_label', default: true }, { name: 'from_logits', default: false }, { name: 'weight', default: null }, { name: 'batch_axis', default: 0 }],
  SigmoidBinaryCrossEntropyLoss: [{ name: 'from_sigmoid', default: false }, { name: 'weight', default: null }, { name: 'batch_axis', default: 0 }],
  SigmoidBCELoss: [{ name: 'from_sigmoid', default: false }, { name: 'weight', default: null }, { name: 'batch_axis', default: 0 }],
  L1Loss: [{ name: 'weight', default: null }, { name: 'batch_axis', default: 0 }],
  L2Loss: [{ name: 'weight', default: 1 }, { name: 'batch_axis', default: 0 }],
  KLDivLoss: [{ name: 'from_logits', default: true }, { name: 'axis', default: -1 }, { name: 'weight', default: null }, { name: 'batch_axis', default: 0 }],
  CTCLoss: [{ name: 'layout', default: 'NTC' }, { name: 'label_layout', default: 'NT' }, { name: 'weight', default: null }],
};

const cache = new Map<string, LayerDef>();

function lossDef(qualifiedName: string, framework: 'keras' | 'gluon', params: ParamSpec[]): LayerDef {
  let def = cache.get(qualifiedName);
  if (!def) {
    const lib = framework === 'keras' ? 'keras' : 'mxnet';
    def = { framework, names: [qualifiedName], params, kind: 'layer', apply: () => ({ output: tensor(null, lib), params: 0 }) };
    cache.set(qualifiedName, def);
  }
  return def;
}

/** The def for a Keras or Gluon loss class, else undefined. */
export function lossClass(qualifiedName: string): LayerDef | undefined {
  const keras = /^keras\.losses\.([A-Z][A-Za-z0-9]*)$/.exec(qualifiedName);
  if (keras && keras[1] !== 'Loss') return lossDef(qualifiedName, 'keras', [{ name: 'args', variadic: true }]);
  const gluon = /^mxnet\.gluon\.loss\.([A-Z][A-Za-z0-9]*)$/.exec(qualifiedName);
  if (gluon && gluon[1] !== 'Loss') return lossDef(qualifiedName, 'gluon', GLUON_PARAMS[gluon[1]] ?? [{ name: 'args', variadic: true }]);
  return undefined;
}
