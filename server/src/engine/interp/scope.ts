/** Lexical scopes: module globals, function locals and class bodies. */
import { keepMarks } from './dicts';
import type { LoadedModule } from './program';
import type { Value } from './values';

/**
 * What the running analysis keeps apart from the scopes shared between analyses (frozen: a
 * module evaluated once and shared, `shared-modules.ts`, and the scopes its functions close over):
 * its writes to them, by scope, so one analysis's binding (a submodule bound into its package)
 * is never seen by another; and its own copies of the lists and dicts they hold, made on first
 * read (by original, so two names for one list still name one copy), so what one analysis does
 * to `_MODELS` or `__all__` (`append`, item assignment, `del`) no other analysis sees.
 */
interface Overlay {
  writes: WeakMap<Scope, Map<string, Value>>;
  copies: Map<Value, Value>;
  /** Reads of a shared list or dict so far (`Program`: an evaluation that made one is not shared). */
  containerReads: number;
}

let overlay: Overlay | null = null;

/** Runs `f` with an overlay of its own for frozen scopes (one per analysis). */
export function withScopeOverlay<T>(f: () => T): T {
  const saved = overlay;
  overlay = { writes: new WeakMap(), copies: new Map(), containerReads: 0 };
  try {
    return f();
  } finally {
    overlay = saved;
  }
}

/**
 * A shared value as the running analysis reads it: its own copy of the lists and dicts it holds,
 * counted as a read of a shared container. What a frozen scope's variable (`sharedValue`) and a
 * shared class's attribute (`findClassAttr`) give, so `Dataset.resources.append(...)` in one
 * analysis is never seen by another.
 */
export function ownCopy(v: Value): Value {
  if (!overlay || !holdsContainer(v)) return v;
  overlay.containerReads++;
  return copyContainers(v, overlay.copies);
}

/** How many times the running analysis has read a list or dict of a shared scope. */
export function containerReads(): number {
  return overlay?.containerReads ?? 0;
}

export class Scope {
  private readonly vars = new Map<string, Value>();
  /** On a module's global scope: the module, for relative imports. */
  module?: LoadedModule;
  /** On a module's global scope: framework modules imported with `from X import *`. */
  starModules?: Set<string>;
  /** A shared scope: never written again; writes go to the running analysis's overlay. */
  private isFrozen = false;
  /** A frozen scope's names whose values hold lists or dicts: each analysis reads its own copy. */
  private mutable: Set<string> | null = null;

  constructor(
    readonly parent: Scope | null,
    readonly kind: 'module' | 'function' | 'class',
  ) {}

  lookup(name: string): Value | undefined {
    const v = this.isFrozen ? this.sharedValue(name) : this.vars.get(name);
    if (v !== undefined) return v;
    // Class bodies are not visible from the methods defined inside them (Python's rule).
    let p = this.parent;
    while (p && p.kind === 'class') p = p.parent;
    return p?.lookup(name);
  }

  /**
   * `name`'s value in this scope alone, for a read that neither keeps nor changes it (a star
   * import's `__all__`): a shared list this analysis has not read yet is as it was made, so it is
   * not copied (nor counted as read).
   */
  peek(name: string): Value | undefined {
    if (!this.isFrozen) return this.vars.get(name);
    const v = this.vars.get(name);
    const untouched = overlay && v !== undefined && this.mutable?.has(name) && !overlay.writes.get(this)?.has(name) && !overlay.copies.has(v);
    return untouched ? v : this.sharedValue(name);
  }

  /** A frozen scope's value of `name` as the running analysis sees it: its write, else its copy of a list or dict, else the shared value. */
  private sharedValue(name: string): Value | undefined {
    const written = overlay?.writes.get(this)?.get(name);
    if (written !== undefined) return written;
    const v = this.vars.get(name);
    return v !== undefined && this.mutable?.has(name) ? ownCopy(v) : v;
  }

  set(name: string, v: Value): void {
    if (!this.isFrozen) return void this.vars.set(name, v);
    if (!overlay) return;
    let own = overlay.writes.get(this);
    if (!own) overlay.writes.set(this, (own = new Map()));
    own.set(name, v);
  }

  get frozen(): boolean {
    return this.isFrozen;
  }

  /** Makes the scope shared: from now on each analysis writes to its own overlay and reads its own copies of lists and dicts. */
  freeze(): void {
    if (this.isFrozen) return;
    this.isFrozen = true;
    for (const [k, v] of this.vars) if (holdsContainer(v)) (this.mutable ??= new Set()).add(k);
  }

  get size(): number {
    const own = this.isFrozen ? overlay?.writes.get(this) : undefined;
    if (!own) return this.vars.size;
    let added = 0;
    for (const k of own.keys()) if (!this.vars.has(k)) added++;
    return this.vars.size + added;
  }

  has(name: string): boolean {
    return this.vars.has(name) || (this.isFrozen && !!overlay?.writes.get(this)?.has(name));
  }

  entries(): IterableIterator<[string, Value]> {
    return this.current().entries();
  }

  /** The variables as the running analysis sees them (a frozen scope's merged with its overlay, lists and dicts copied). */
  private current(): Map<string, Value> {
    if (!this.isFrozen || !overlay || (!this.mutable && !overlay.writes.has(this))) return this.vars;
    const out = new Map<string, Value>();
    for (const k of this.vars.keys()) out.set(k, this.sharedValue(k)!);
    for (const [k, v] of overlay.writes.get(this) ?? []) out.set(k, v);
    return out;
  }

  /** A copy for exploring one branch of an `if` whose test is unknown. */
  fork(): Scope {
    const s = new Scope(this.parent, this.kind);
    s.module = this.module;
    s.starModules = this.starModules;
    for (const [k, v] of this.entries()) s.vars.set(k, v);
    return s;
  }

  /** Adopts the variables of a forked scope. */
  replaceWith(other: Scope): void {
    if (this.isFrozen) {
      for (const [k, v] of other.entries()) this.set(k, v);
      return;
    }
    this.vars.clear();
    for (const [k, v] of other.vars) this.vars.set(k, v);
  }
}

/** Whether a value holds a list or dict (itself, or in a tuple): what an analysis may change in place. */
function holdsContainer(v: Value): boolean {
  return v.t === 'list' || v.t === 'dict' || (v.t === 'tuple' && v.items.some(holdsContainer));
}

/**
 * The running analysis's copy of a shared value's lists and dicts (and the tuples holding them),
 * made once per original (`copies`), so aliases and cycles are kept; anything else is shared as
 * it is (functions and classes read their module's values through its frozen scope again).
 */
function copyContainers(v: Value, copies: Map<Value, Value>): Value {
  if (v.t !== 'list' && v.t !== 'dict' && v.t !== 'tuple') return v;
  const done = copies.get(v);
  if (done) return done;
  if (v.t === 'tuple' && !holdsContainer(v)) return v;
  if (v.t === 'dict') {
    const copy = { ...v, entries: [] as [Value, Value][] };
    copies.set(v, copy);
    keepMarks(v, copy);
    for (const [k, x] of v.entries) copy.entries.push([copyContainers(k, copies), copyContainers(x, copies)]);
    return copy;
  }
  const copy = { ...v, items: [] as Value[] };
  copies.set(v, copy);
  keepMarks(v, copy);
  for (const x of v.items) copy.items.push(copyContainers(x, copies));
  return copy;
}
