/**
 * Python and numpy text formatting, so that Keras messages come out as Keras prints them.
 * Keras mixes three styles in one message: Python tuples `(None, 1, 1, 4)`, numpy int arrays
 * `[ 2 10]` (right-aligned to the widest element) and numpy object arrays `[None 1 1 4]`
 * (no alignment, used whenever a `None` is present).
 */
import type { Dim } from '../../types';

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
