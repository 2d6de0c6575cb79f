/**
 * Model objects: built-in containers (Sequential, ModuleList, ModuleDict, HybridSequential…),
 * instances of user model classes, Keras functional models, their attributes and children.
 */
import type { Framework, TextRange } from '../../types';
import type { EvaluatedArgs } from '../bind';
import { tensorVal, UNKNOWN_V, type ClassValue, type TensorVal, type ModelFamily, type ObjectValue, type Value, lineageIds } from '../values';
import type { ModelContext } from './context';
import type { CallSite } from './interfaces';
import { inputFromContainerItem } from './input-sources';
import { containerFamily, frameworkOfContainer, frameworkOfFamily, pairsOf, tensorsIn } from './support';
import { certainAt, madeAt } from '../dicts';

/** Container methods that add children. */
const GROWING = new Set(['add', 'append', 'add_module', 'register_child', 'extend']);

const CONTAINERS: Record<string, ObjectValue['container']> = {
  'torch.nn.Sequential': 'torch.Sequential',
  'torch.nn.ModuleList': 'torch.ModuleList',
  'torch.nn.ModuleDict': 'torch.ModuleDict',
  'keras.Sequential': 'keras.Sequential',
  'mxnet.gluon.nn.Sequential': 'gluon.Sequential',
  'mxnet.gluon.nn.HybridSequential': 'gluon.HybridSequential',
};

const BASE_FAMILIES: Record<string, ModelFamily> = {
  'torch.nn.Module': 'torch.Module',
  'keras.Model': 'keras.Model',
  'keras.layers.Layer': 'keras.Layer',
  'mxnet.gluon.Block': 'gluon.Block',
  'mxnet.gluon.HybridBlock': 'gluon.HybridBlock',
};

export class Containers {
  private readonly objects: ObjectValue[] = [];
  private readonly classes: ClassValue[] = [];
  private readonly childIds = new Set<number>();
  private readonly instantiated = new Set<ClassValue>();
  /** Tensors made by `nn.Parameter(...)`: a module attribute holding one registers its elements as parameters. */
  readonly parameters = new WeakSet<TensorVal>();

  constructor(private readonly ctx: ModelContext) {}

  isContainerOrBase(path: string): boolean {
    return path in CONTAINERS || path in BASE_FAMILIES;
  }

  familyOf(bases: Value[]): ModelFamily | null {
    for (const b of bases) {
      if (b.t === 'ext' && BASE_FAMILIES[b.path]) return BASE_FAMILIES[b.path];
      if (b.t === 'ext' && CONTAINERS[b.path]) return containerFamily(CONTAINERS[b.path]!);
      if (b.t === 'class' && b.family) return b.family;
    }
    return null;
  }

  noteClass(cls: ClassValue): void {
    if (cls.family) this.classes.push(cls);
  }

  setAttribute(obj: Value, name: string, value: Value): void {
    // `self.wte.weight = self.lm_head.weight`: a PyTorch parameter tied to another layer's.
    if (obj.t === 'layer' && obj.def.framework === 'torch' && /^(weight|bias)/.test(name)) this.ctx.layers.noteParameterReplaced(obj);
    if (obj.t !== 'object') return;
    const prev = obj.attrs.get(name);
    // In a branch that may not run, a conflicting assignment makes the attribute unknown.
    if (this.ctx.host.uncertainDepth > 0 && prev && prev !== value) {
      obj.attrs.set(name, UNKNOWN_V);
      return;
    }
    if (!obj.attrs.has(name)) obj.attrOrder.push(name);
    obj.attrs.set(name, value);
    this.adoptChild(value, name);
  }

  private adoptChild(value: Value, name: string): void {
    if (value.t === 'layer') {
      // Keras and Gluon name layers themselves (conv2d_1, conv0); PyTorch names them by attribute.
      if (value.def.framework === 'torch') this.ctx.layers.setName(value.id, name);
      this.childIds.add(value.id);
    } else if (value.t === 'object') {
      this.childIds.add(value.id);
      if (!value.varName) value.varName = name;
    }
  }

  // ------------------------------------------------------------ construction

  instantiate(cls: ClassValue, args: EvaluatedArgs, site: CallSite): Value {
    this.instantiated.add(cls);
    const obj = this.newObject(cls, null, site.r, frameworkOfFamily(cls.family));
    const init = this.ctx.host.findClassAttr(cls, '__init__');
    if (init && init.value.t === 'func') {
      this.ctx.host.callFunction({ ...init.value, self: obj, owner: init.owner }, args);
    } else if (!cls.family) {
      this.setFields(obj, cls, args);
    } else {
      // A subclass of a container (`class Net(nn.Sequential)` without __init__) takes its items.
      this.fillContainer(obj, args);
    }
    return obj;
  }

  /**
   * A plain class without `__init__` called with arguments is a dataclass (or NamedTuple): the
   * arguments fill its annotated fields in order, over the class defaults. Arguments it cannot
   * place make every field unknown rather than leave a default that was overridden.
   */
  private setFields(obj: ObjectValue, cls: ClassValue, args: EvaluatedArgs): void {
    if (args.positional.length === 0 && args.keywords.size === 0 && !args.opaque) return;
    const fields = cls.def.body.flatMap((s) => (s.k === 'assign' && s.annotation && s.targets.length === 1 && s.targets[0].k === 'name' ? [s.targets[0].id] : []));
    const placed = args.positional.length <= fields.length && [...args.keywords.keys()].every((k) => fields.includes(k));
    fields.forEach((f, i) => {
      const v = !placed || args.opaque ? UNKNOWN_V : (args.positional[i] ?? args.keywords.get(f));
      if (v) obj.attrs.set(f, v);
    });
  }

  newObject(cls: ClassValue | null, container: ObjectValue['container'], range: TextRange, framework: Framework | null): ObjectValue {
    // A model built inside a library stub is the user's: it is placed at their call.
    range = this.ctx.host.userSite(range) ?? range;
    const obj: ObjectValue = {
      t: 'object',
      id: this.ctx.nextId(),
      cls,
      container,
      items: [],
      attrs: new Map(),
      attrOrder: [],
      framework,
      range,
      varName: null,
    };
    this.objects.push(obj);
    return obj;
  }

  /** `nn.Sequential(...)` and the other built-in containers; null for any other path. */
  construct(path: string, args: EvaluatedArgs, site: CallSite): ObjectValue | null {
    const container = CONTAINERS[path];
    if (!container) return null;
    const obj = madeAt(this.newObject(null, container, site.r, frameworkOfContainer(container)), this.ctx.host.uncertainDepth);
    this.fillContainer(obj, args);
    return obj;
  }

  private fillContainer(obj: ObjectValue, args: EvaluatedArgs): void {
    const first = args.positional[0];
    if (obj.container === 'keras.Sequential') {
      const layers = first ?? args.keywords.get('layers');
      const items = layers && (layers.t === 'list' || layers.t === 'tuple') ? layers.items : [];
      for (const it of items) this.addToContainer(obj, it);
      return;
    }
    if (obj.container === 'torch.ModuleList') {
      if (first && (first.t === 'list' || first.t === 'tuple')) for (const it of first.items) this.addToContainer(obj, it);
      return;
    }
    if (obj.container === 'torch.ModuleDict') {
      const entries = first?.t === 'dict' ? first.entries : first && (first.t === 'list' || first.t === 'tuple') ? pairsOf(first.items) : [];
      for (const [k, v] of entries) if (k.t === 'str') this.setContainerEntry(obj, k.v, v);
      return;
    }
    if (obj.container === 'torch.Sequential' && first?.t === 'dict') {
      for (const [k, v] of first.entries) this.addToContainer(obj, v, k.t === 'str' ? k.v : undefined);
      return;
    }
    if (obj.container === 'torch.Sequential') for (const it of args.positional) this.addToContainer(obj, it);
    // `nn.Sequential(*layers)` with a list the analysis cannot see: children it does not know.
    if (args.opaque) obj.items.push(UNKNOWN_V);
  }

  /** `ModuleDict` entries: registered children, reachable as `d["key"]` and `d.key`. */
  setContainerEntry(obj: ObjectValue, key: string, item: Value): void {
    if (!obj.attrs.has(key)) this.addToContainer(obj, item, key);
    this.setAttribute(obj, key, item);
  }

  addToContainer(obj: ObjectValue, item: Value, name?: string): void {
    if (inputFromContainerItem(this.ctx, obj, item)) return;
    const index = obj.items.length;
    obj.items.push(item);
    if (item.t === 'layer' && obj.framework === 'torch') this.ctx.layers.setName(item.id, name ?? String(index));
    if (item.t === 'layer' || item.t === 'object') this.adoptChild(item, name ?? String(index));
    if (obj.container === 'keras.Sequential' && index === 0 && item.t === 'layer' && item.declaredInput) {
      obj.kerasInput = { shape: item.declaredInput, range: item.range };
    }
    // A functional model first (a keras.applications base): Keras builds the Sequential on its input.
    const functionalInput = item.t === 'object' && item.functional?.inputs;
    if (obj.container === 'keras.Sequential' && index === 0 && functionalInput && functionalInput.t === 'tensor' && functionalInput.shape) {
      obj.kerasInput = { shape: functionalInput.shape, range: item.range };
    }
  }

  /** `nn.Parameter(data)`: the same tensor (a fresh value with no layer history), marked as a parameter. */
  parameter(args: EvaluatedArgs): TensorVal {
    const data = args.positional[0] ?? args.keywords.get('data');
    const p = tensorVal(data?.t === 'tensor' ? data.shape : null, 'torch', null, data?.t === 'tensor' ? data.origin : null);
    this.parameters.add(p);
    return p;
  }

  orderedDict(args: EvaluatedArgs): Value {
    const first = args.positional[0];
    if (!first || (first.t !== 'list' && first.t !== 'tuple')) return { t: 'dict', entries: [] };
    const entries: [Value, Value][] = [];
    for (const pair of first.items) {
      if ((pair.t === 'tuple' || pair.t === 'list') && pair.items.length === 2) entries.push([pair.items[0], pair.items[1]]);
      else return UNKNOWN_V;
    }
    return { t: 'dict', entries };
  }

  kerasFunctional(args: EvaluatedArgs, site: CallSite): Value {
    const inputs = args.positional[0] ?? args.keywords.get('inputs');
    const outputs = args.positional[1] ?? args.keywords.get('outputs');
    if (!inputs || !outputs) {
      // `keras.Model()` with no graph: a subclassed-style model instance.
      return UNKNOWN_V;
    }
    const obj = this.newObject(null, 'keras.Functional', site.r, 'keras');
    obj.functional = { inputs, outputs };
    obj.ran = true;
    const outs = tensorsIn(outputs);
    const ids = new Set<number>();
    for (const o of outs) for (const h of lineageIds(o.hist)) ids.add(h);
    const ins = tensorsIn(inputs);
    const run = this.ctx.runs.newRun(obj, false);
    run.apps = [...ids].sort((a, b) => a - b);
    run.input = ins[0] ?? null;
    this.ctx.summaries.push(run, obj, ins);
    return obj;
  }

  indexContainer(obj: ObjectValue, key: Value): Value {
    if (key.t === 'num' && Number.isInteger(key.v)) {
      const i = key.v < 0 ? obj.items.length + key.v : key.v;
      return obj.items[i] ?? UNKNOWN_V;
    }
    if (key.t === 'str') return obj.attrs.get(key.v) ?? UNKNOWN_V;
    return UNKNOWN_V;
  }

  /** Container methods (`add`, `append`, `extend`, ModuleDict's `items`…); undefined for any other name. */
  containerMethod(obj: ObjectValue, name: string, args: EvaluatedArgs): Value | undefined {
    if (GROWING.has(name) && obj.container && !certainAt(obj, this.ctx.host.uncertainDepth)) {
      // Added under a condition the code does not show: the model may or may not have it.
      obj.items.push(UNKNOWN_V);
      return name === 'add' ? UNKNOWN_V : obj;
    }
    switch (name) {
      case 'add':
        if (obj.container === 'keras.Sequential' || obj.container?.startsWith('gluon.')) for (const it of args.positional) this.addToContainer(obj, it);
        return UNKNOWN_V;
      case 'append':
      case 'add_module':
      case 'register_child': {
        const item = name === 'add_module' ? args.positional[1] : args.positional[0];
        if (item) this.addToContainer(obj, item, name === 'add_module' && args.positional[0]?.t === 'str' ? args.positional[0].v : undefined);
        if (name === 'add_module' && args.positional[0]?.t === 'str' && item) this.setAttribute(obj, args.positional[0].v, item);
        return obj;
      }
      case 'register_buffer':
      case 'register_parameter': {
        // `self.register_buffer('pe', pe)` makes `self.pe` that tensor (no parameter count here).
        const [key, value] = args.positional;
        if (key?.t === 'str') this.setAttribute(obj, key.v, value ?? UNKNOWN_V);
        return UNKNOWN_V;
      }
      case 'extend': {
        const items = this.ctx.host.iterate(args.positional[0] ?? UNKNOWN_V);
        for (const it of items ?? []) this.addToContainer(obj, it);
        return obj;
      }
      case 'items':
      case 'keys':
      case 'values':
      case 'update': {
        if (obj.container !== 'torch.ModuleDict') return UNKNOWN_V;
        if (name === 'update') {
          const arg = args.positional[0];
          const entries = arg?.t === 'dict' ? arg.entries : arg && (arg.t === 'list' || arg.t === 'tuple') ? pairsOf(arg.items) : [];
          for (const [k, v] of entries) if (k.t === 'str') this.setContainerEntry(obj, k.v, v);
          return UNKNOWN_V;
        }
        const keys = obj.attrOrder.filter((k) => obj.attrs.has(k));
        const pick = (k: string): Value => (name === 'keys' ? { t: 'str', v: k } : name === 'values' ? obj.attrs.get(k)! : { t: 'tuple', items: [{ t: 'str', v: k }, obj.attrs.get(k)!] });
        return { t: 'list', items: keys.map(pick) };
      }
      default:
        return undefined;
    }
  }

  // ------------------------------------------------------------ end of the module

  /** Instantiates model classes the code never instantiates, when `__init__` needs no arguments. */
  instantiateUnused(): void {
    for (const cls of this.classes) {
      if (this.instantiated.has(cls) || !this.ctx.host.inEntry(cls.def.r)) continue;
      const init = this.ctx.host.findClassAttr(cls, '__init__');
      const needsArgs = init && init.value.t === 'func' && init.value.def.params.slice(1).some((p) => !p.default && !p.star);
      if (needsArgs) continue;
      const site: CallSite = { k: 'call', func: { k: 'unknown', r: cls.def.nameRange }, args: [], argsRange: cls.def.nameRange, r: cls.def.nameRange };
      const obj = this.instantiate(cls, { positional: [], keywords: new Map(), opaque: false }, site) as ObjectValue;
      obj.varName = cls.def.name;
    }
  }

  /** The model object made at `range` (a library model built by the user's call there), if any. */
  objectAt(range: TextRange): ObjectValue | undefined {
    return this.objects.find((o) => o.range.start === range.start && o.range.end === range.end);
  }

  /** How many model objects were made so far (in order of making). */
  objectCount(): number {
    return this.objects.length;
  }

  /**
   * Top-level models (not a child of another) among the objects made `from` … `to`, that no run
   * has reached yet, checked as the caller runs them.
   */
  *unrunModels(from: number, to: number): Generator<ObjectValue> {
    for (const obj of this.objects.slice(from, to)) {
      if (obj.ran || this.childIds.has(obj.id) || obj.container === 'torch.ModuleList' || obj.container === 'keras.Functional') continue;
      if (!obj.framework || (!obj.container && !obj.cls?.family)) continue;
      yield obj;
    }
  }
}
