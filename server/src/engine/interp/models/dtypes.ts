/**
 * Element types (dtypes) where the code shows them: tensor factories (`torch.randint` gives
 * int64, `torch.randn` float32, `np.random.randint` int64, NumPy's float factories float64, or
 * the `dtype=` the call passes) and the methods that convert (`.long()`, `.float()`,
 * `.to(torch.long)`, `.astype('int32')`). Shape-only methods keep the receiver's dtype. Anything
 * else leaves the dtype absent (unknown), and an unknown dtype never produces a diagnostic.
 */
import type { EvaluatedArgs } from '../bind';
import type { TensorVal, Value } from '../values';

const DTYPE = /^(u?int\d+|float\d+|bfloat16|bool|complex\d+)$/;
/** NumPy's names for Python types (`astype('float')`, `astype(int)`). */
const NUMPY_NAMES: Record<string, string> = { float: 'float64', int: 'int64', bool: 'bool', bool_: 'bool' };
/** PyTorch's short dtype attributes and legacy tensor types (`torch.long`, `torch.LongTensor`). */
const TORCH_NAMES: Record<string, string> = {
  float: 'float32', long: 'int64', int: 'int32', double: 'float64', half: 'float16', short: 'int16', byte: 'uint8',
  LongTensor: 'int64', IntTensor: 'int32', ByteTensor: 'uint8', FloatTensor: 'float32', DoubleTensor: 'float64', BoolTensor: 'bool',
};

/** A dtype argument (`torch.long`, `np.int64`, `'int32'`, `astype(int)`, `torch.LongTensor`) as a dtype name, or undefined. */
export function dtypeName(v: Value | undefined): string | undefined {
  if (!v) return undefined;
  if (v.t === 'str') return NUMPY_NAMES[v.v] ?? (DTYPE.test(v.v) ? v.v : undefined);
  if (v.t === 'ext' || v.t === 'module') {
    const name = v.path.split('.').pop()!;
    if (DTYPE.test(name)) return name;
    if (v.path.startsWith('torch.')) return TORCH_NAMES[name];
    return v.path.startsWith('builtins.') || v.path.startsWith('numpy.') ? NUMPY_NAMES[name] : undefined;
  }
  return undefined;
}

/** Factories' default dtypes (PyTorch's default float is float32, NumPy's float64). */
const FACTORY_DEFAULTS: Record<string, string> = {
  'torch.randn': 'float32', 'torch.rand': 'float32', 'torch.zeros': 'float32', 'torch.ones': 'float32', 'torch.empty': 'float32',
  'torch.randint': 'int64',
  'numpy.zeros': 'float64', 'numpy.ones': 'float64', 'numpy.empty': 'float64',
  'numpy.random.rand': 'float64', 'numpy.random.randn': 'float64', 'numpy.random.uniform': 'float64', 'numpy.random.normal': 'float64',
  'numpy.random.random': 'float64', 'numpy.random.random_sample': 'float64', 'numpy.random.sample': 'float64',
  'numpy.random.randint': 'int64',
};

/** Factories whose default dtype follows their data (`torch.tensor([1, 2])`), known only from an explicit `dtype=`. */
const DTYPE_FROM_DATA = new Set(['torch.tensor', 'torch.as_tensor', 'torch.full', 'torch.arange', 'numpy.array', 'numpy.asarray', 'numpy.full', 'numpy.arange']);

/** The dtype of a factory call's result: its `dtype=` when it names one, else the factory's default. */
export function factoryDtype(path: string, args: EvaluatedArgs): string | undefined {
  const known = path in FACTORY_DEFAULTS;
  if (!known && !DTYPE_FROM_DATA.has(path)) return undefined;
  const given = args.keywords.get('dtype');
  if (given) return dtypeName(given);
  return known ? FACTORY_DEFAULTS[path] : undefined;
}

/** Methods that return the receiver's elements unchanged, only arranged differently. */
const KEEPS_DTYPE = new Set([
  'view', 'reshape', 'squeeze', 'unsqueeze', 'flatten', 'permute', 'transpose', 'contiguous', 'detach', 'clone', 'copy',
  'cpu', 'cuda', 'view_as', 'reshape_as', 'expand', 'expand_as', 'T', 'ravel', 'as_in_context', 'copyto',
]);

/** Conversion methods with a fixed result dtype. */
const CONVERTS_TO: Record<string, string> = { long: 'int64', int: 'int32', float: 'float32', double: 'float64', half: 'float16', bool: 'bool', byte: 'uint8' };

/**
 * The dtype of `t.method(...)`: a conversion's target, the receiver's for a shape-only method
 * (and for `.to(...)` when no argument is or may be a dtype), else undefined.
 */
export function methodDtype(t: TensorVal, method: string, args: EvaluatedArgs): string | undefined {
  if (method in CONVERTS_TO) return CONVERTS_TO[method];
  if (method === 'astype' || method === 'type') return dtypeName(args.positional[0] ?? args.keywords.get('dtype'));
  if (method === 'to') {
    const named = [...args.positional, ...args.keywords.values()].map(dtypeName).find((d) => d !== undefined);
    if (named) return named;
    // `.to('cuda')`, `.to(device)` with some string, `.to(torch.device(...))`: a device only; anything unknown may be a dtype.
    const onlyDevices = [...args.positional, ...args.keywords.values()].every((v) => v.t === 'str' || v.t === 'bool' || v.t === 'object' || (v.t === 'unknown' && v.str));
    return onlyDevices ? t.dtype : undefined;
  }
  return KEEPS_DTYPE.has(method) ? t.dtype : undefined;
}

/** `v` with dtype `d` (a copy when it changes; absent when unknown). */
export function withDtype(v: Value, d: string | undefined): Value {
  if (v.t !== 'tensor' || v.dtype === d) return v;
  const copy: TensorVal = { ...v };
  if (d === undefined) delete copy.dtype;
  else copy.dtype = d;
  return copy;
}
