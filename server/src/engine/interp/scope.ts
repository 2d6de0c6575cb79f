/** Lexical scopes: module globals, function locals and class bodies. */
import type { LoadedModule } from './program';
import type { Value } from './values';

/**
 * Writes of the running analysis to shared (frozen) module scopes, by scope: a module evaluated
 * once and shared by many analyses (`shared-modules.ts`) is copied on write, so one analysis's
 * binding (a submodule bound into its package) is never seen by another.
 */
let overlay: WeakMap<Scope, Map<string, Value>> | null = null;

/** Runs `f` with an overlay of its own for writes to frozen scopes (one per analysis). */
export function withScopeOverlay<T>(f: () => T): T {
  const saved = overlay;
  overlay = new WeakMap();
  try {
    return f();
  } finally {
    overlay = saved;
  }
}

export class Scope {
  private readonly vars = new Map<string, Value>();
  /** On a module's global scope: the module, for relative imports. */
  module?: LoadedModule;
  /** On a module's global scope: framework modules imported with `from X import *`. */
  starModules?: Set<string>;
  /** A shared module's scope: never written again; writes go to the running analysis's overlay. */
  private frozen = false;

  constructor(
    readonly parent: Scope | null,
    readonly kind: 'module' | 'function' | 'class',
  ) {}

  lookup(name: string): Value | undefined {
    const v = (this.frozen ? overlay?.get(this)?.get(name) : undefined) ?? this.vars.get(name);
    if (v !== undefined) return v;
    // Class bodies are not visible from the methods defined inside them (Python's rule).
    let p = this.parent;
    while (p && p.kind === 'class') p = p.parent;
    return p?.lookup(name);
  }

  set(name: string, v: Value): void {
    if (!this.frozen) return void this.vars.set(name, v);
    if (!overlay) return;
    let own = overlay.get(this);
    if (!own) overlay.set(this, (own = new Map()));
    own.set(name, v);
  }

  /** Makes the scope shared: from now on each analysis writes to its own overlay. */
  freeze(): void {
    this.frozen = true;
  }

  get size(): number {
    return this.current().size;
  }

  has(name: string): boolean {
    return this.current().has(name);
  }

  entries(): IterableIterator<[string, Value]> {
    return this.current().entries();
  }

  /** The variables as the running analysis sees them (a frozen scope's merged with its overlay). */
  private current(): Map<string, Value> {
    const own = this.frozen ? overlay?.get(this) : undefined;
    return own ? new Map([...this.vars, ...own]) : this.vars;
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
    if (this.frozen) {
      for (const [k, v] of other.entries()) this.set(k, v);
      return;
    }
    this.vars.clear();
    for (const [k, v] of other.vars) this.vars.set(k, v);
  }
}
