/**
 * Python's `str()` and `repr()` of the constant values the interpreter knows, for f-strings
 * (a library's error message quotes the argument it received: `input_shape=(16, 16, 3)`).
 * Anything else (a tensor, a model, an unknown) has no text here: null, and the f-string is
 * unknown.
 */
import type { Value } from './values';

/** Longest text built (a message quoting a huge tuple is not worth building). */
const MAX_LENGTH = 2000;

export function pyStr(v: Value): string | null {
  return v.t === 'str' ? v.v : pyRepr(v);
}

export function pyRepr(v: Value, depth = 0): string | null {
  if (depth > 20) return null;
  switch (v.t) {
    case 'num':
      return v.isFloat ? floatRepr(v.v) : String(v.v);
    case 'bool':
      return v.v ? 'True' : 'False';
    case 'none':
      return 'None';
    case 'str':
      return strRepr(v.v);
    case 'tuple':
    case 'list': {
      const items = v.items.map((x) => pyRepr(x, depth + 1));
      if (items.some((x) => x === null)) return null;
      const body = items.join(', ');
      if (body.length > MAX_LENGTH) return null;
      if (v.t === 'list') return `[${body}]`;
      return items.length === 1 ? `(${body},)` : `(${body})`;
    }
    default:
      return null;
  }
}

/** Python's shortest float repr: scientific below 1e-4 and from 1e16 on, `1.0` for whole numbers. */
function floatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mantissa, exp] = x.toExponential().split('e');
  const e = Number(exp);
  if (e < -4 || e >= 16) return `${mantissa}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  const plain = x.toFixed(Math.max(0, (mantissa.split('.')[1]?.length ?? 0) - e));
  return plain.includes('.') ? plain : `${plain}.0`;
}

/** Python's repr of a str: single quotes unless the text has one and no double quote. */
function strRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  const body = s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\t/g, '\\t').replace(/\r/g, '\\r');
  return quote + (quote === "'" ? body.replace(/'/g, "\\'") : body) + quote;
}
