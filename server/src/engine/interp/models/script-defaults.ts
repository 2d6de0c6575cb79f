/**
 * Script defaults: the values a training script takes when run without arguments.
 *  - `argparse`: `add_argument(*flags, type=, default=, action=, dest=)` on a parser (and its
 *    groups), `set_defaults(**kw)`, then `parse_args()` / `parse_known_args()` give a namespace
 *    whose attributes are the defaults (a string default goes through `type`, as argparse does);
 *  - `click`: `@click.option('--batch-size', default=64)` fills the decorated function's
 *    parameter when the script calls it without one (`interpreter.bindParams`);
 *  - `argparse.Namespace(**kw)` / `types.SimpleNamespace(**kw)`.
 * A number taken from a default carries it (`defaults`), so a shape computed from it can say "with
 * the default `--image-size 224`". Arguments given on a command line the code does not show
 * (`parse_args(['--lr', '3'])`) make every option unknown.
 */
import type { EvaluatedArgs } from '../bind';
import { NONE_V, num, UNKNOWN_V, type ObjectValue, type Value } from '../values';
import type { ModelContext } from './context';
import type { CallSite } from './interfaces';
import { dataObject, dataOf } from './data-objects';

/** `--image-size` → `image_size`, as argparse and click name the destination. */
function destOf(flags: string[]): string | null {
  const plain = flags.find((f) => !f.startsWith('-'));
  if (plain) return plain;
  const long = flags.find((f) => f.startsWith('--')) ?? flags[0];
  return long ? long.replace(/^-+/, '').replace(/-/g, '_') : null;
}

function pyText(v: Value): string | null {
  if (v.t === 'num') return v.isFloat && Number.isInteger(v.v) ? `${v.v}.0` : String(v.v);
  if (v.t === 'str') return v.v;
  return null;
}

/** The default converted by `type` (argparse and click convert string defaults), or null when unknown. */
function converted(dflt: Value, type: Value | undefined): Value {
  if (!type || dflt.t !== 'str') return dflt;
  const name = type.t === 'ext' ? type.path : '';
  if (name === 'builtins.int' && /^\s*-?\d+\s*$/.test(dflt.v)) return num(parseInt(dflt.v, 10));
  if (name === 'builtins.float' && /^\s*-?\d+(\.\d*)?\s*$/.test(dflt.v)) return num(parseFloat(dflt.v), true);
  if (name === 'builtins.str') return dflt;
  return UNKNOWN_V;
}

/** A number default remembers where it was set, as a user would type it. */
function noted(v: Value, flag: string, site: CallSite): Value {
  if (v.t !== 'num') return v;
  const text = pyText(v);
  return { ...v, defaults: [{ text: `${flag} ${text}`, range: site.r }] };
}

/** The default one option declares (`add_argument` / `click.option`), or undefined for no option. */
function optionDefault(args: EvaluatedArgs, site: CallSite): { dest: string; value: Value } | undefined {
  const flags = args.positional.flatMap((p) => (p.t === 'str' ? [p.v] : []));
  if (flags.length !== args.positional.length || flags.length === 0) return undefined;
  const destArg = args.keywords.get('dest');
  const dest = destArg?.t === 'str' ? destArg.v : destOf(flags);
  if (!dest) return undefined;
  const action = args.keywords.get('action');
  const required = args.keywords.get('required');
  const flag = flags.find((f) => f.startsWith('--')) ?? flags[0];
  let value: Value;
  if (args.opaque || (required && !(required.t === 'bool' && !required.v))) value = UNKNOWN_V;
  else if (action?.t === 'str' && action.v === 'store_true') value = { t: 'bool', v: false };
  else if (action?.t === 'str' && action.v === 'store_false') value = { t: 'bool', v: true };
  else if (action) value = UNKNOWN_V;
  else if (!flag.startsWith('-') && !args.keywords.has('nargs')) value = UNKNOWN_V; // a required positional
  else value = noted(converted(args.keywords.get('default') ?? NONE_V, args.keywords.get('type')), flag, site);
  return { dest, value };
}

/** `argparse.ArgumentParser(...)`. */
export function argumentParser(ctx: ModelContext, _path: string, _args: EvaluatedArgs, site: CallSite): Value {
  return dataObject(ctx, site.r, { kind: 'parser', framework: null, options: new Map() });
}

export const PARSER_METHODS = ['add_argument', 'add_argument_group', 'add_mutually_exclusive_group', 'set_defaults', 'parse_args', 'parse_known_args'];

/** Methods of a parser or one of its groups (groups share the parser's options). */
export function parserMethod(ctx: ModelContext, obj: ObjectValue, method: string, args: EvaluatedArgs, site: CallSite): Value | undefined {
  const d = dataOf(obj, 'parser');
  if (!d || !d.options) return undefined;
  const options = d.options;
  switch (method) {
    case 'add_argument': {
      const o = optionDefault(args, site);
      if (o) options.set(o.dest, o.value);
      return UNKNOWN_V;
    }
    case 'add_argument_group':
    case 'add_mutually_exclusive_group':
      return dataObject(ctx, site.r, { kind: 'parser', framework: null, options });
    case 'set_defaults':
      for (const [k, v] of args.keywords) options.set(k, v);
      if (args.opaque) for (const k of options.keys()) options.set(k, UNKNOWN_V);
      return UNKNOWN_V;
    default: {
      const given = args.positional[0] ?? args.keywords.get('args');
      const shown = !given || given.t === 'none' || ((given.t === 'list' || given.t === 'tuple') && given.items.length === 0);
      const ns = namespace(ctx, site, shown ? [...options] : [...options.keys()].map((k) => [k, UNKNOWN_V]));
      return method === 'parse_known_args' ? { t: 'tuple', items: [ns, UNKNOWN_V] } : ns;
    }
  }
}

function namespace(ctx: ModelContext, site: CallSite, entries: [string, Value][]): ObjectValue {
  const ns = dataObject(ctx, site.r, { kind: 'namespace', framework: null });
  for (const [k, v] of entries) {
    ns.attrs.set(k, v);
    ns.attrOrder.push(k);
  }
  return ns;
}

/** `argparse.Namespace(**kw)`, `types.SimpleNamespace(**kw)`. */
export function namespaceCall(ctx: ModelContext, _path: string, args: EvaluatedArgs, site: CallSite): Value {
  return args.opaque ? UNKNOWN_V : namespace(ctx, site, [...args.keywords]);
}

/** `click.option(*flags, default=…, type=…)`: remembered for the decorated function's parameter. */
export function clickOption(ctx: ModelContext, _path: string, args: EvaluatedArgs, site: CallSite): Value {
  const o = optionDefault(args, site);
  if (!o) return UNKNOWN_V;
  // click names the parameter in lower case.
  return dataObject(ctx, site.r, { kind: 'option', framework: null, dest: o.dest.toLowerCase(), options: new Map([[o.dest.toLowerCase(), o.value]]) });
}

/** The default a decorator (`@click.option`) gives parameter `name`, or undefined. */
export function decoratorDefault(decorators: Value[], name: string): Value | undefined {
  for (const d of decorators) {
    const o = dataOf(d, 'option');
    if (o?.dest === name) return o.options?.get(name);
  }
  return undefined;
}
