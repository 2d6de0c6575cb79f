/**
 * An `mx.nd.X` / `mx.sym.X` operator the catalogue does not know. It must not cut the model: it
 * becomes an op whose output is unknown and, in the symbol API (where ops own implicit weights),
 * whose parameter count is unknown, so a bound symbol's total is unknown rather than wrong.
 * Names that are not operators (submodules, classes, file and engine helpers) stay as they were.
 */
import { tensor, type LayerDef } from '../types';

const SUBMODULES = new Set(['random', 'contrib', 'linalg', 'sparse', 'image', 'op', 'register', 'utils', 'numpy', 'numpy_extension', 'gen_op', 'internal', 'ndarray', 'symbol']);
const NOT_OPS = new Set(['NDArray', 'Symbol', 'Group', 'load', 'load_json', 'load_frombuffer', 'save', 'waitall', 'Executor', 'AttrScope', 'CachedOp']);

const cache = new Map<string, LayerDef>();

/** The stand-in def for `mxnet.ndarray.<op>` / `mxnet.symbol.<op>` (or one submodule deeper), else undefined. */
export function unknownMxnetOp(qualifiedName: string): LayerDef | undefined {
  const m = /^mxnet\.(ndarray|symbol)\.(?:(contrib|linalg|random|image|sparse)\.)?([A-Za-z][A-Za-z0-9_]*)$/.exec(qualifiedName);
  if (!m || (!m[2] && SUBMODULES.has(m[3])) || NOT_OPS.has(m[3])) return undefined;
  let def = cache.get(qualifiedName);
  if (!def) {
    const symbolic = m[1] === 'symbol';
    def = {
      framework: symbolic ? 'mxsym' : 'gluon',
      names: [qualifiedName],
      params: [{ name: 'args', variadic: true }],
      kind: 'op',
      apply: () => ({ output: tensor(null, 'mxnet'), ...(symbolic ? { params: null } : {}) }),
    };
    cache.set(qualifiedName, def);
  }
  return def;
}
