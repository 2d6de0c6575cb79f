/** Lexical scopes: module globals, function locals and class bodies. */
import type { LoadedModule } from './program';
import type { Value } from './values';

export class Scope {
  private readonly vars = new Map<string, Value>();
  /** On a module's global scope: the module, for relative imports. */
  module?: LoadedModule;
  /** On a module's global scope: framework modules imported with `from X import *`. */
  starModules?: Set<string>;

  constructor(
    readonly parent: Scope | null,
    readonly kind: 'module' | 'function' | 'class',
  ) {}

  lookup(name: string): Value | undefined {
    const v = this.vars.get(name);
    if (v !== undefined) return v;
    // Class bodies are not visible from the methods defined inside them (Python's rule).
    let p = this.parent;
    while (p && p.kind === 'class') p = p.parent;
    return p?.lookup(name);
  }

  set(name: string, v: Value): void {
    this.vars.set(name, v);
  }

  get size(): number {
    return this.vars.size;
  }

  has(name: string): boolean {
    return this.vars.has(name);
  }

  entries(): IterableIterator<[string, Value]> {
    return this.vars.entries();
  }

  /** A copy for exploring one branch of an `if` whose test is unknown. */
  fork(): Scope {
    const s = new Scope(this.parent, this.kind);
    s.module = this.module;
    s.starModules = this.starModules;
    for (const [k, v] of this.vars) s.vars.set(k, v);
    return s;
  }

  /** Adopts the variables of a forked scope. */
  replaceWith(other: Scope): void {
    this.vars.clear();
    for (const [k, v] of other.vars) this.vars.set(k, v);
  }
}
