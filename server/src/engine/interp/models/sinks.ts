/**
 * Target sinks: the places where a model's output meets a target, so a shape mismatch between
 * prediction and labels can be checked (`loss(out, y)`, `F.cross_entropy(out, y)`,
 * `model.fit(x, y)`, `mod.fit(train_iter)`). One entry per kind of sink, like the input
 * sources (`input-sources.ts`); the registry starts empty.
 *
 * An entry names the sink, says in one line what it checks, and lists its hooks:
 *  - `call`:       a call of a qualified function (`torch.nn.functional.cross_entropy(out, y)`);
 *  - `layer-call`: a layer object applied (`nn.CrossEntropyLoss()(out, y)`), by canonical class name;
 *  - `method`:     a method called on a model object (`model.fit(x, y)`), after the input
 *                  sources have run the model on `x`.
 * Hooks only observe: they never change the value of the call. A mismatch is reported with
 * `ctx.diagnostics.report(ctx.runs.currentRun(), issue, layerOrNull, range, …)`, where `issue`
 * quotes the framework's own error and names a rule from `rules/`. The prediction's shape is
 * the argument tensor's `shape`; its lineage (`hist`) leads back to the layers that made it.
 * As everywhere, an unknown dim or rank on either side says nothing.
 */
import type { EvaluatedArgs } from '../bind';
import type { LayerValue, ObjectValue } from '../values';
import type { ModelContext } from './context';
import type { CallSite } from './interfaces';

export type SinkHook =
  | { kind: 'call'; paths: readonly string[]; check(ctx: ModelContext, path: string, args: EvaluatedArgs, site: CallSite): void }
  | { kind: 'layer-call'; classes: readonly string[]; check(ctx: ModelContext, layer: LayerValue, args: EvaluatedArgs, site: CallSite): void }
  | { kind: 'method'; methods: readonly string[]; check(ctx: ModelContext, obj: ObjectValue, method: string, args: EvaluatedArgs, site: CallSite): void };

export interface TargetSink {
  name: string;
  /** One line for the docs: what the sink checks. */
  doc: string;
  hooks: readonly SinkHook[];
}

export const TARGET_SINKS: readonly TargetSink[] = [];

// ------------------------------------------------------------ dispatch, one function per hook kind

type HookOf<K extends SinkHook['kind']> = Extract<SinkHook, { kind: K }>;

function hooksOf<K extends SinkHook['kind']>(kind: K, watches: (h: HookOf<K>) => readonly string[], name: string): HookOf<K>[] {
  return TARGET_SINKS.flatMap((s) => s.hooks.filter((h): h is HookOf<K> => h.kind === kind && watches(h as HookOf<K>).includes(name)));
}

/** Qualified functions some sink checks (the interpreter keeps them as known names). */
export function isSinkCall(path: string): boolean {
  return hooksOf('call', (h) => h.paths, path).length > 0;
}

export function checkSinkCall(ctx: ModelContext, path: string, args: EvaluatedArgs, site: CallSite): void {
  for (const h of hooksOf('call', (x) => x.paths, path)) h.check(ctx, path, args, site);
}

export function checkSinkLayerCall(ctx: ModelContext, layer: LayerValue, args: EvaluatedArgs, site: CallSite): void {
  for (const h of hooksOf('layer-call', (x) => x.classes, layer.qname)) h.check(ctx, layer, args, site);
}

export function checkSinkMethod(ctx: ModelContext, obj: ObjectValue, method: string, args: EvaluatedArgs, site: CallSite): void {
  for (const h of hooksOf('method', (x) => x.methods, method)) h.check(ctx, obj, method, args, site);
}
