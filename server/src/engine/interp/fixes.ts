/** Turns a layer's `set-arg` fix suggestion into a text edit on its constructor call. */
import type { TextEdit } from '../types';
import type { LayerValue } from './values';

/**
 * Replaces the argument's value where the user passed it (by keyword or position), or
 * appends `name=value` before the closing parenthesis.
 */
export function argEdit(layer: LayerValue, name: string, value: string, source: (start: number, end: number) => string): TextEdit | null {
  if (!isSafeLiteral(value)) return null;
  const kw = layer.callArgs.find((a) => a.name === name);
  if (kw) return { range: kw.value.r, newText: value };
  const index = layer.def.params.findIndex((p) => p.name === name);
  const positional = layer.callArgs.filter((a) => !a.name && !a.star);
  if (index >= 0 && index < positional.length && !layer.def.params.slice(0, index + 1).some((p) => p.variadic)) {
    return { range: positional[index].value.r, newText: value };
  }
  if (layer.callArgs.some((a) => a.star)) return null;
  const close = layer.argsRange.end - 1;
  if (source(close, close + 1) !== ')') return null;
  const last = layer.callArgs[layer.callArgs.length - 1];
  if (!last) return { range: { start: close, end: close }, newText: `${name}=${value}` };
  // Keep a trailing comma style: insert after the last argument.
  return { range: { start: last.r.end, end: last.r.end }, newText: `, ${name}=${value}` };
}

/**
 * What a fix may write: a non-negative int, a tuple of them, or a short quoted identifier
 * ('same', 'channels_first'). Never Infinity, NaN, a negative or a fraction: those come from
 * arguments the framework rejects, which are reported, not fixed around.
 */
export function isSafeLiteral(value: string): boolean {
  return /^(?:\d+|\((?:\d+, )*\d+,?\)|'[A-Za-z_]+')$/.test(value);
}
