/**
 * Canonical qualified names. Users reach the same class through many paths
 * (`tf.keras.layers.Conv2D`, `keras.layers.convolutional.Conv2D`, `nn.Conv2d`,
 * `torch.nn.modules.conv.Conv2d`, `mx.nd.relu`); the catalogue registers one name each.
 */

const PREFIX_REWRITES: [RegExp, string][] = [
  [/^tensorflow\.python\.keras\./, 'keras.'],
  [/^tensorflow\.keras\./, 'keras.'],
  [/^tf_keras\./, 'keras.'],
  [/^keras\.src\./, 'keras.'],
  [/^keras\.api\._v2\.keras\./, 'keras.'],
  [/^mxnet\.nd\./, 'mxnet.ndarray.'],
  [/^mxnet\.sym\./, 'mxnet.symbol.'],
  [/^mxnet\.np\./, 'mxnet.numpy.'],
  // MXNet 2's `mx.np` mirrors the NumPy API (factories, reshape, transpose, expand_dims).
  [/^mxnet\.numpy\./, 'numpy.'],
  [/^mxnet\.mod\./, 'mxnet.module.'],
  [/^mxnet\.viz\./, 'mxnet.visualization.'],
  [/^mxnet\.module\.module\./, 'mxnet.module.'],
  [/^mxnet\.io\.io\./, 'mxnet.io.'],
];

/** Submodules that only organise classes: `keras.layers.convolutional.Conv2D` is `keras.layers.Conv2D`. */
const FLATTENED_PACKAGES: [RegExp, string][] = [
  [/^keras\.layers\.(?:[a-z_0-9]+\.)+([A-Za-z_0-9]+)$/, 'keras.layers.$1'],
  [/^keras\.(?:models|engine\.sequential|engine\.training|engine\.functional|models\.sequential|models\.model)\.(Sequential|Model)$/, 'keras.$1'],
  [/^keras\.engine\.input_layer\.(Input|InputLayer)$/, 'keras.layers.$1'],
  [/^keras\.models\.(Input)$/, 'keras.layers.Input'],
  [/^keras\.(Input)$/, 'keras.layers.Input'],
  [/^torch\.nn\.modules\.(?:[a-z_0-9]+\.)?([A-Za-z_0-9]+)$/, 'torch.nn.$1'],
  [/^mxnet\.gluon\.nn\.(?:conv_layers|basic_layers|activations)\.([A-Za-z_0-9]+)$/, 'mxnet.gluon.nn.$1'],
  [/^mxnet\.gluon\.rnn\.rnn_layer\.([A-Za-z_0-9]+)$/, 'mxnet.gluon.rnn.$1'],
  [/^mxnet\.gluon\.block\.([A-Za-z_0-9]+)$/, 'mxnet.gluon.$1'],
  [/^mxnet\.gluon\.nn\.(Block|HybridBlock)$/, 'mxnet.gluon.$1'],
  [/^mxnet\.ndarray\.ndarray\.([A-Za-z_0-9]+)$/, 'mxnet.ndarray.$1'],
  [/^mxnet\.symbol\.symbol\.([A-Za-z_0-9]+)$/, 'mxnet.symbol.$1'],
  [/^torch\.nn\.functional\.([a-z_0-9]+)$/, 'torch.nn.functional.$1'],
];

/** Module aliases that name the same module (`mxnet.nd` is `mxnet.ndarray`). */
export function canonicalModule(path: string): string {
  return canonicalName(path);
}

const canonicalCache = new Map<string, string>();

/** Memoised: the same few hundred paths recur in every file. */
export function canonicalName(path: string): string {
  let hit = canonicalCache.get(path);
  if (hit === undefined) {
    hit = computeCanonical(path);
    if (canonicalCache.size < 50_000) canonicalCache.set(path, hit);
  }
  return hit;
}

const memberCache = new Map<string, Map<string, string>>();

/**
 * The canonical name of `name` in `path` (`canonicalName` of the dotted join), memoised by the
 * two parts: attribute reads of modules (`nn.Conv2d`) are among the interpreter's most frequent
 * steps, and this way a read builds no joined string.
 */
export function canonicalMember(path: string, name: string): string {
  let members = memberCache.get(path);
  if (members === undefined) {
    members = new Map();
    if (memberCache.size < 10_000) memberCache.set(path, members);
  }
  let hit = members.get(name);
  if (hit === undefined) {
    hit = canonicalName(`${path}.${name}`);
    if (members.size < 10_000) members.set(name, hit);
  }
  return hit;
}

function computeCanonical(path: string): string {
  let p = path;
  if (p === 'mxnet.nd') return 'mxnet.ndarray';
  if (p === 'mxnet.sym') return 'mxnet.symbol';
  if (p === 'mxnet.mod') return 'mxnet.module';
  if (p === 'mxnet.viz') return 'mxnet.visualization';
  if (p === 'tensorflow.keras' || p === 'keras.src' || p === 'tf_keras') return 'keras';
  for (const [re, rep] of PREFIX_REWRITES) p = p.replace(re, rep);
  for (const [re, rep] of FLATTENED_PACKAGES) {
    if (re.test(p)) {
      p = p.replace(re, rep);
      break;
    }
  }
  return p;
}

/** The framework a canonical name belongs to, for names the interpreter treats itself. */
export function frameworkOf(qname: string): 'torch' | 'keras' | 'gluon' | null {
  if (qname.startsWith('torch.')) return 'torch';
  if (qname.startsWith('keras.')) return 'keras';
  if (qname.startsWith('mxnet.')) return 'gluon';
  return null;
}
