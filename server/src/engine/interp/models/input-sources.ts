/**
 * Input sources: the ways the code shows a model's input shape without (or besides) calling it
 * on a tensor: summary calls, and declarations read when the module ends (Keras input_shape,
 * the `# shapelint: input=` directive, jaxtyping annotations, configured input shapes).
 */
import { ranked } from '../../shapes';
import type { Shape } from '../../types';
import type { EvaluatedArgs } from '../bind';
import { parseInputDirective, parseJaxtyping } from './input-parsers';
import { tensorVal, UNKNOWN_V, type ObjectValue, type TensorVal, type Value } from '../values';
import type { ModelContext } from './context';
import type { CallSite } from './host';
import { libOf, shapeFromValue } from './support';

/** `# shapelint: input=(…)` directives by line. */
export function readDirectives(ctx: ModelContext): Map<number, Shape> {
  const directives = new Map<number, Shape>();
  for (const c of ctx.host.module.comments) {
    const shape = parseInputDirective(c.text);
    if (shape) directives.set(ctx.lines.lineOf(c.range.start), shape);
  }
  return directives;
}

/** `torchsummary.summary(model, input_size)` / `torchinfo.summary(model, input_size=…)`. */
export function torchSummary(ctx: ModelContext, path: string, args: EvaluatedArgs, site: CallSite): Value {
  const model = args.positional[0];
  if (!model || model.t !== 'object') return UNKNOWN_V;
  const sizeArg = args.positional[1] ?? args.keywords.get('input_size') ?? args.keywords.get('input_data');
  if (!sizeArg) return UNKNOWN_V;
  let shape: Shape | null;
  if (sizeArg.t === 'tensor') shape = sizeArg.shape;
  else {
    // torchsummary's input_size excludes the batch; torchinfo's includes it.
    shape = shapeFromValue(sizeArg, false);
    if (shape && path === 'torchsummary.summary') shape = ranked(['N', ...shape.dims]);
  }
  if (!shape) return UNKNOWN_V;
  const x = tensorVal(shape, 'torch', null, site.r);
  return ctx.runs.topLevelRun(model, { positional: [x], keywords: new Map(), opaque: false }, null, false);
}

/** An input shape the code declares without calling the model. */
export function declaredInput(ctx: ModelContext, directives: Map<number, Shape>, obj: ObjectValue): TensorVal | null {
  if (obj.kerasInput) return tensorVal(obj.kerasInput.shape, 'keras', null, obj.kerasInput.range);
  const line = ctx.lines.lineOf(obj.range.start);
  const direct = directives.get(line);
  if (direct) return tensorVal(direct, libOf(obj.framework!), null, obj.range);
  if (obj.cls) {
    const classLine = ctx.lines.lineOf(obj.cls.def.r.start);
    const fromClass = directives.get(classLine);
    if (fromClass) return tensorVal(fromClass, libOf(obj.framework!), null, obj.cls.def.nameRange);
    const fwd = ctx.runs.forwardMethod(obj);
    if (fwd) {
      const fline = ctx.lines.lineOf(fwd.fn.def.r.start);
      const fromFwd = directives.get(fline);
      if (fromFwd) return tensorVal(fromFwd, libOf(obj.framework!), null, fwd.fn.def.nameRange);
      const params = fwd.fn.def.params.slice(fwd.withF ? 2 : 1);
      const ann = params[0]?.annotation;
      const shape = ann ? parseJaxtyping(ann) : null;
      if (shape) return tensorVal(shape, libOf(obj.framework!), null, ann!.r);
    }
  }
  const cfg = ctx.host.options.inputShapes?.[obj.varName ?? ''];
  if (cfg) return tensorVal(ranked(cfg), libOf(obj.framework!), null, null);
  return null;
}
