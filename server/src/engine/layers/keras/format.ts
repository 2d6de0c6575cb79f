/**
 * Python and numpy text formatting, so that Keras messages come out as Keras prints them.
 * Keras mixes three styles in one message: Python tuples `(None, 1, 1, 4)`, numpy int arrays
 * `[ 2 10]` (right-aligned to the widest element) and numpy object arrays `[None 1 1 4]`
 * (no alignment, used whenever a `None` is present).
 */
import type { Dim } from '../../types';
import type { ArgValue } from '../types';

/** One dim as Python prints it in a shape tuple: unknown and symbolic dims are `None`. */
export function pyDim(d: Dim): string {
  return typeof d === 'number' ? String(d) : 'None';
}

/** A Python tuple: `(None, 5, 3)`, `(3,)`, `()`. */
export function pyTuple(items: string[]): string {
  if (items.length === 1) return `(${items[0]},)`;
  return `(${items.join(', ')})`;
}

/** A shape as a Python tuple of ints/None. */
export function pyShape(dims: Dim[]): string {
  return pyTuple(dims.map(pyDim));
}

/** A Python list: `[(None, 4, 3), (None, 5, 3)]`. */
export function pyList(items: string[]): string {
  return `[${items.join(', ')}]`;
}

/** `str(np.array(values))` for a list of ints and Nones. */
export function npArray(values: (number | null)[]): string {
  if (values.some((v) => v === null)) return `[${values.map((v) => (v === null ? 'None' : String(v))).join(' ')}]`;
  const width = Math.max(...values.map((v) => String(v).length));
  return `[${values.map((v) => String(v).padStart(width)).join(' ')}]`;
}

/**
 * `repr()` of a plain argument value, for messages that print the call's keywords. Tuples and
 * lists both arrive as arrays and print as tuples (the usual Keras spelling); anything else
 * prints as `…`.
 */
export function pyRepr(v: ArgValue | undefined): string {
  if (v === null) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return `'${v}'`;
  if (Array.isArray(v)) return pyTuple(v.map(pyRepr));
  return '…';
}
