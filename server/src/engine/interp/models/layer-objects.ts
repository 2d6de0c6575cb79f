/**
 * Layer objects: constructing them from a catalogue def (`nn.Conv2d(3, 16, 3)`), the names the
 * frameworks give them (`conv2d_1`, `conv0`, or the attribute name in PyTorch), and the layers
 * applied so far (fixes that edit every layer of a run look them up).
 */
import type { LayerDef } from '../../layers/types';
import { bindArgs, type EvaluatedArgs } from '../bind';
import type { LayerValue, Value } from '../values';
import type { ModelContext } from './context';
import type { CallSite } from './interfaces';
import { inputFromLayerArgs } from './input-sources';
import { defClassName, safely } from './support';

export class LayerObjects {
  /** Per base name; the incremental cache passes the counters earlier statements left. */
  private readonly nameCounters: Map<string, number>;
  /** Names given by the container or attribute that holds the layer (PyTorch). */
  private readonly layerNames = new Map<number, string>();
  /** Layer objects by id, for fixes that edit every layer of a run. */
  private readonly applied = new Map<number, LayerValue>();
  /** Layers whose parameter tensors the code reassigned (tied to another layer's). */
  private readonly replacedParams = new Set<number>();

  constructor(
    private readonly ctx: ModelContext,
    nameCounters?: Map<string, number>,
  ) {
    this.nameCounters = nameCounters ?? new Map();
  }

  construct(def: LayerDef, qname: string, args: EvaluatedArgs, site: CallSite): Value {
    const bound = bindArgs(def.params, args);
    const layer: LayerValue = {
      t: 'layer',
      id: this.ctx.nextId(),
      def,
      qname,
      args: bound,
      range: site.r,
      argsRange: site.argsRange,
      callArgs: site.args,
      name: this.displayName(def, qname, bound.raw.get('name')),
      declaredInput: def.framework === 'keras' ? inputFromLayerArgs(bound, qname, this.ctx.host.options.kerasProbe) : null,
    };
    // The layer's own constructor call is no block of the model: only the calls around it are.
    const userSite = this.ctx.host.userSite(site.r);
    if (userSite !== site.r) {
      layer.stubPath = this.ctx.host.stubPath(site.r);
      if (userSite) layer.builtAt = userSite;
    }
    if (def.construct) {
      const runs = this.ctx.runs;
      const issue = safely(() => def.construct!(bound, runs.env(this.nameOf(layer), runs.currentRun())), null);
      if (issue) this.ctx.diagnostics.report(runs.currentRun(), issue, layer, site.r, null, def.framework);
    }
    return layer;
  }

  displayName(def: LayerDef, qname: string, explicit: Value | undefined): string {
    if (explicit && explicit.t === 'str') return explicit.v;
    const cls = defClassName(def);
    if (def.framework === 'torch') return cls;
    const base = namePrefix(def.framework, cls);
    const n = this.nameCounters.get(base) ?? 0;
    this.nameCounters.set(base, n + 1);
    if (def.framework === 'gluon') return `${base}${n}`;
    return n === 0 ? base : `${base}_${n}`;
  }

  /** PyTorch names a child by the attribute or container slot that holds it. */
  setName(layerId: number, name: string): void {
    this.layerNames.set(layerId, name);
  }

  nameOf(layer: LayerValue): string {
    return this.layerNames.get(layer.id) ?? layer.name;
  }

  noteApplied(layer: LayerValue): void {
    this.applied.set(layer.id, layer);
  }

  /** `layer.weight = other.weight` (weight tying): the layer's own parameter count is no longer known. */
  noteParameterReplaced(layer: LayerValue): void {
    this.replacedParams.add(layer.id);
  }

  parametersReplaced(layer: LayerValue): boolean {
    return this.replacedParams.has(layer.id);
  }

  appliedLayer(id: number): LayerValue | undefined {
    return this.applied.get(id);
  }
}

/** Keras' default layer name prefix: `keras.src.utils.naming.to_snake_case` (Conv2DTranspose → conv2d_transpose). */
/** The prefix Keras (snake case) or Gluon gives a layer class's automatic names; kept per process (every layer built asks). */
const prefixes = new Map<string, string>();

function namePrefix(framework: string, cls: string): string {
  const key = `${framework}:${cls}`;
  let prefix = prefixes.get(key);
  if (prefix === undefined) prefixes.set(key, (prefix = framework === 'gluon' ? gluonPrefix(cls) : snakeCase(cls)));
  return prefix;
}

function snakeCase(cls: string): string {
  const aliases: Record<string, string> = { Convolution1D: 'Conv1D', Convolution2D: 'Conv2D', Convolution3D: 'Conv3D' };
  const c = aliases[cls] ?? cls;
  return c
    .replace(/\W+/g, '')
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

function gluonPrefix(cls: string): string {
  if (/Pool/.test(cls)) return 'pool';
  if (/^Conv.*Transpose/.test(cls)) return 'conv';
  if (/^Conv/.test(cls)) return 'conv';
  return cls.replace(/\d+D$/, '').toLowerCase();
}
