/** Model summaries: one per model, with every layer application of its run and the parameter totals. */
import type { ModelSummary, TextRange } from '../../types';
import type { Lineage, ObjectValue, TensorVal, Value } from '../values';
import type { ModelContext } from './context';
import type { AppRecord, Run } from './runs';
import { showsShape, tensorsIn } from './support';
import { product } from '../../shapes';
import { libraryBlocks } from './library-blocks';
import { backboneBlocks, frozenBackbone, isLibraryObject } from './backbone-blocks';
import { layerPaths, symbolOpNames } from './layer-paths';

export class Summaries {
  private readonly summariesOut: ModelSummary[] = [];
  /** Model id → its summary's index, and whether that summary's run showed an input shape. */
  private readonly summarized = new Map<number, { index: number; shown: boolean }>();

  constructor(private readonly ctx: ModelContext) {}

  /** The first run with an input shape summarizes a model; a run on data of unknown shape only until then. */
  push(run: Run, obj: ObjectValue, inputs: TensorVal[]): void {
    const shown = inputs.some(showsShape);
    const earlier = this.summarized.get(obj.id);
    if (earlier && (earlier.shown || !shown)) {
      // A model summarised while it was built (a Keras functional model inside a library stub)
      // takes the name of the variable it was then assigned to.
      if (obj.varName) this.summariesOut[earlier.index].name = obj.varName;
      return;
    }
    const index = earlier ? earlier.index : this.summariesOut.length;
    this.summarized.set(obj.id, { index, shown });
    const apps = this.ctx.runs.apps;
    const position = new Map(run.apps.map((id, i) => [id, i]));
    // Where each layer's inputs came from, as indices into this run's layers (for `shapelint port`).
    const layers = run.apps.map((id) => {
      const rec = apps.get(id)!;
      return { ...rec.app, inputsFrom: rec.inputIds.map((p) => (p === null ? -1 : position.get(p) ?? null)) };
    });
    // A model a library stub built (even with a user's new head) is shown collapsed by the
    // stub's blocks; a user's model holding one (a backbone) shows it as one block.
    const records = run.apps.map((id) => apps.get(id)!);
    const library = run.apps.length > 0 && (records.every((r) => r.stubPath !== undefined) || isLibraryObject(this.ctx, obj));
    if (library) {
      const blocks = libraryBlocks(obj, records);
      layers.forEach((l, i) => {
        if (blocks[i] !== undefined) l.block = blocks[i];
      });
    }
    const backbones = library || records.every((r) => r.stubPath === undefined) ? [] : backboneBlocks(this.ctx, obj, records);
    if (backbones.length) {
      layers.forEach((l, i) => {
        const b = backbones[i];
        if (!b) return;
        l.block = b.block;
        // The stub's own positions are never shown: its layers sit at the user's call that built
        // them, a user's layer it applies (`backbone.fc = nn.Identity()`) where the user made it.
        const user = (r: TextRange) => this.ctx.host.userSite(r) === r;
        const at = records[i].builtAt;
        if (!user(l.definedAt)) l.definedAt = at ?? l.appliedAt;
        if (!user(l.appliedAt)) l.appliedAt = at ?? l.definedAt;
      });
    }
    // `shapelint port --with-weights` names a PyTorch or Gluon layer's saved parameters by its module path, an MXNet symbol op's by its name.
    if (this.ctx.host.options.recordOps && (obj.framework === 'torch' || obj.framework === 'gluon' || obj.symbol)) {
      const paths = obj.symbol ? symbolOpNames(obj.symbol) : layerPaths(obj);
      layers.forEach((l, i) => {
        const path = paths.get(apps.get(run.apps[i])!.layerId);
        if (path !== undefined) l.path = path;
      });
    }
    const seen = new Set<number>();
    let total: number | null = 0;
    let trainable: number | null = 0;
    run.apps.forEach((id, i) => {
      const rec = apps.get(id)!;
      if (seen.has(rec.layerId)) return;
      seen.add(rec.layerId);
      total = rec.app.params === null || total === null ? null : total + rec.app.params;
      // A Keras base set `trainable = False` freezes every weight in it (unknown: unknown).
      const frozen = backbones[i] ? frozenBackbone(backbones[i]!) : false;
      const counted = frozen === null ? null : frozen ? 0 : rec.app.trainableParams;
      trainable = counted === null || trainable === null ? null : trainable + counted;
    });
    // PyTorch counts every registered parameter, used in forward or not: a registered layer this
    // run never applied makes the total unknown rather than short. So does a Keras functional
    // graph whose outputs the engine cannot trace back (an op it does not model cut the lineage),
    // or a container holding a layer the engine does not model.
    if ((obj.framework === 'torch' && registeredLayerIds(obj).some((id) => !seen.has(id))) || functionalGraphCut(obj) || hasUnknownItem(obj)) {
      total = null;
      trainable = null;
    }
    // Tensors registered with `nn.Parameter` count too (a class token, a position embedding).
    const own = parameterElements(obj, this.ctx.containers.parameters);
    total = total === null || own === null ? null : total + own;
    trainable = trainable === null || own === null ? null : trainable + own;
    this.summariesOut[index] = {
      name: obj.varName ?? obj.cls?.def.name ?? obj.container ?? 'model',
      framework: obj.framework ?? 'torch',
      // A user class's model is where the class is written; containers, and library models (a
      // class in a stub), where they are built.
      range: obj.cls && this.ctx.host.userSite(obj.cls.def.nameRange) === obj.cls.def.nameRange ? obj.cls.def.nameRange : obj.range,
      inputShapes: inputs.map((t) => t.shape),
      inputSource: inputs[0]?.origin ?? null,
      layers,
      layerInputs: layerInputs(run.apps, (id) => apps.get(id)!),
      ...(library ? { library } : {}),
      ...(backbones.some((b) => b) ? { backbones: [...new Set(backbones.filter((b) => b !== undefined))] } : {}),
      ...(run.output !== undefined ? { output: { from: run.output?.hist ? position.get(run.output.hist.id) ?? null : null, shape: run.output?.shape ?? null } } : {}),
      totalParams: total,
      trainableParams: trainable,
      nonTrainableParams: total !== null && trainable !== null ? total - trainable : null,
    };
  }

  all(): ModelSummary[] {
    return this.summariesOut;
  }
}

/**
 * The producers of each application's input, as indices into `appIds`: the nearest applications
 * up its lineage. Lineage nodes without an application (joins, ops) are looked through; an
 * application from outside this run (an enclosing model) counts as the model's input (-1).
 */
function layerInputs(appIds: number[], record: (id: number) => AppRecord): number[][] {
  const index = new Map(appIds.map((id, i) => [id, i]));
  return appIds.map((id) => {
    const { inputHist, inputIds } = record(id);
    // An input tensor without lineage (a model input, a factory) is drawn as coming from the input.
    const found = new Set<number>(inputIds.includes(null) ? [-1] : []);
    const seen = new Set<Lineage>();
    const stack: Lineage[] = inputHist ? [inputHist] : [];
    while (stack.length) {
      const node = stack.pop()!;
      if (seen.has(node)) continue;
      seen.add(node);
      const at = index.get(node.id);
      if (at !== undefined) found.add(at);
      else if (node.id < 0) stack.push(...node.parents);
      else found.add(-1);
    }
    return found.size ? [...found].sort((a, b) => a - b) : [-1];
  });
}

/** Ids of the layers registered anywhere under a model (attributes and container items, nested). */
function registeredLayerIds(obj: ObjectValue, visited = new Set<number>()): number[] {
  if (visited.has(obj.id)) return [];
  visited.add(obj.id);
  const children: Value[] = [...obj.attrs.values(), ...obj.items];
  return children.flatMap((v) => (v.t === 'layer' ? [v.id] : v.t === 'object' ? registeredLayerIds(v, visited) : []));
}

/** Elements of the `nn.Parameter` tensors registered anywhere under a model; null when one's shape is unknown. */
function parameterElements(obj: ObjectValue, parameters: WeakSet<TensorVal>, visited = new Set<number>()): number | null {
  if (visited.has(obj.id)) return 0;
  visited.add(obj.id);
  let sum: number | null = 0;
  for (const v of [...obj.attrs.values(), ...obj.items]) {
    const n = v.t === 'tensor' && parameters.has(v) ? numel(v) : v.t === 'object' ? parameterElements(v, parameters, visited) : 0;
    sum = sum === null || n === null ? null : sum + n;
  }
  return sum;
}

function numel(t: TensorVal): number | null {
  return t.shape && !t.shape.open ? product(t.shape.dims) : null;
}

/** A Keras functional model with an output that is not a tensor traced back to its layers or inputs. */
function functionalGraphCut(obj: ObjectValue): boolean {
  if (obj.container !== 'keras.Functional' || !obj.functional) return false;
  const inputs = tensorsIn(obj.functional.inputs);
  const outputs = leaves(obj.functional.outputs);
  if (outputs.length === 0) return true;
  return outputs.some((v) => v.t !== 'tensor' || (v.hist === null && !inputs.includes(v)));
}

/** The values in a (nested) list, tuple or dict of model outputs. */
function leaves(v: Value): Value[] {
  if (v.t === 'tuple' || v.t === 'list') return v.items.flatMap(leaves);
  if (v.t === 'dict') return v.entries.flatMap(([, x]) => leaves(x));
  return [v];
}

/** A container (Sequential, HybridSequential, ...) with an item that is not a known layer or model. */
function hasUnknownItem(obj: ObjectValue): boolean {
  return obj.container !== null && obj.items.some((v) => v.t !== 'layer' && v.t !== 'object');
}
