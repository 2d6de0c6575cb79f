/**
 * Keras 3's `standardize_tuple` (keras/src/utils/argument_validation.py): the size arguments of
 * convolutions and pooling must be ints > 0 (or >= 0 where zero is allowed), checked when the
 * layer is constructed. Impossible values are reported in Keras's words, never computed with.
 */
import type { ArgValue, LayerIssue } from '../types';
import { issue } from './common';

/** The issue for `name=value` when some entry is not > 0 (>= 0 with allowZero); null if fine or unknown. */
export function sizeTupleIssue(name: string, value: ArgValue | undefined, n: number, allowZero = false): LayerIssue | null {
  const entries = typeof value === 'number' ? [value] : Array.isArray(value) && value.length === n ? value : null;
  if (!entries || !entries.every((v) => typeof v === 'number' && Number.isInteger(v))) return null;
  const bad = (entries as number[]).filter((v) => (allowZero ? v < 0 : v <= 0));
  if (!bad.length) return null;
  const shown = typeof value === 'number' ? String(value) : pyTupleText(entries as number[]);
  return issue('invalid-argument',
    `The \`${name}\` argument must be a tuple of ${n} integers. Received ${name}=${shown}, ` +
    `including values ${pySetText(bad)} that do not satisfy \`value ${allowZero ? '>=' : '>'} 0\``,
    [`${name} must be ${allowZero ? 'zero or more' : 'at least 1'} on every axis.`]);
}

function pyTupleText(v: number[]): string {
  return v.length === 1 ? `(${v[0]},)` : `(${v.join(', ')})`;
}

/**
 * A small Python set of ints as `repr` prints it: CPython orders it by hash slot in its
 * 8-slot table (hash(-1) is -2), which for the few values here is this sort.
 */
function pySetText(values: number[]): string {
  const unique = [...new Set(values)];
  const slot = (v: number) => (v === -1 ? -2 : v) & 7;
  unique.sort((a, b) => slot(a) - slot(b));
  return `{${unique.join(', ')}}`;
}

/** BaseConv's `filters` / `depth_multiplier` check: a known number that is not > 0. */
export function strictlyPositiveIssue(name: string, value: ArgValue | undefined): LayerIssue | null {
  if (typeof value !== 'number' || value > 0) return null;
  return issue('invalid-argument', `Invalid value for argument \`${name}\`. Expected a strictly positive value. Received ${name}=${value}.`,
    [`${name} must be at least 1.`]);
}

/** Dense's `units` check: a known number that is not a positive int. */
export function unitsIssue(value: ArgValue | undefined): LayerIssue | null {
  if (typeof value !== 'number' || (Number.isInteger(value) && value > 0)) return null;
  return issue('invalid-argument', `Received an invalid value for \`units\`, expected a positive integer. Received: units=${value}`,
    ['units must be a positive integer.']);
}
