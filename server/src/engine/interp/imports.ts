/**
 * Import statements across a project, as Python resolves them for the project's own code:
 * absolute imports (the host maps dotted names to files: project roots, `src/` layouts, the
 * `src` setting, namespace packages), relative imports, `import a.b as c`, `from a import *`
 * (honouring `__all__`), and packages re-exporting from their `__init__.py`. A name the host
 * knows no module for stays a framework module (`torch`, `keras.layers`), as before; an
 * attribute path of a framework module that names a library stub (`keras.applications`,
 * `torchvision.models`) loads the stub. Nothing here reads files: the host's `ModuleProvider`
 * does (via `Program`).
 */
import type { Stmt } from '../syntax/ast';
import { canonicalMember, canonicalName } from './names';
import type { LoadedModule, ModuleRunner, Program } from './program';
import type { Scope } from './scope';
import { UNKNOWN_V, type Value } from './values';

type ImportStmt = Extract<Stmt, { k: 'import' }>;
type FromStmt = Extract<Stmt, { k: 'from' }>;

export function moduleValue(mod: LoadedModule): Value {
  return { t: 'module', path: mod.name, mod };
}

/** The global scope a scope belongs to (where its module and star imports are recorded). */
export function moduleScope(scope: Scope): Scope {
  let s = scope;
  while (s.parent) s = s.parent;
  return s;
}

export class Imports {
  constructor(
    private readonly program: Program,
    /** Runs a freshly loaded module's body in its own scope (or counts a shared evaluation's). */
    private readonly runner: ModuleRunner,
  ) {}

  /** `import a.b.c` / `import a.b.c as d`. Returns false for names left to the framework catalogue. */
  execImport(s: ImportStmt, scope: Scope): void {
    // One file without modules to find: nothing to load (every block of an edited document runs its imports).
    const none = !this.program.multiFile && !this.program.entry.name;
    for (const n of s.names) {
      // `import a.b.c` binds `a`, through which the code reaches `a.b`; `import a.b.c as d` binds only `a.b.c`.
      const chain = none ? [] : this.loadChain(n.module, !!n.alias);
      if (n.alias) {
        const last = chain[chain.length - 1];
        scope.set(n.alias, last ? moduleValue(last) : { t: 'module', path: canonicalName(n.module) });
      } else {
        const top = n.module.split('.')[0];
        scope.set(top, chain[0] ? moduleValue(chain[0]) : { t: 'module', path: top });
      }
    }
  }

  /**
   * `from X import a, b` / `from X import *` when X is a project module or stub (or relative).
   * Returns false when X is none, for the framework catalogue to handle.
   */
  execFrom(s: FromStmt, scope: Scope): boolean {
    const name = s.level > 0 ? this.relativeName(s.level, s.module, scope) : s.module;
    if (name === null) {
      // A relative import beyond the top package, or in a file of unknown module name.
      for (const n of s.names) scope.set(n.alias ?? n.name, UNKNOWN_V);
      return true;
    }
    const mod = this.loadDotted(name) ?? (s.level === 0 ? this.loadDotted(canonicalName(name)) : null);
    if (!mod) {
      if (s.level === 0) return false;
      for (const n of s.names) scope.set(n.alias ?? n.name, UNKNOWN_V);
      return true;
    }
    if (s.star) {
      this.importStar(mod, scope);
      return true;
    }
    for (const n of s.names) scope.set(n.alias ?? n.name, this.attribute(mod, n.name) ?? UNKNOWN_V);
    return true;
  }

  /** `mod.name`: a name the module defines, else its submodule, else null. */
  attribute(mod: LoadedModule, name: string): Value | null {
    const v = mod.scope.lookup(name);
    if (v) return v;
    const sub = mod.isPackage ? this.load(`${mod.name}.${name}`) : null;
    if (sub) {
      mod.scope.set(name, moduleValue(sub));
      return moduleValue(sub);
    }
    return null;
  }

  /**
   * An attribute of a framework module that names a stub module or a name in one
   * (`keras.applications`, `tf.keras.applications.ResNet50` once `tf.keras.applications` is a stub).
   */
  frameworkAttribute(path: string, name: string): Value | null {
    if (!this.program.multiFile) return null;
    const canonical = canonicalName(path);
    const owner = this.program.has(canonical) ? this.load(canonical) : null;
    if (owner) return this.attribute(owner, name);
    const full = canonicalMember(path, name);
    if (!/^[a-z_0-9]+$/.test(name) || !this.program.has(full)) return null;
    const sub = this.load(full);
    return sub ? moduleValue(sub) : null;
  }

  private importStar(mod: LoadedModule, scope: Scope): void {
    const all = mod.scope.peek('__all__');
    if (all && (all.t === 'list' || all.t === 'tuple')) {
      for (const item of all.items) {
        if (item.t === 'str') scope.set(item.v, this.attribute(mod, item.v) ?? UNKNOWN_V);
      }
      return;
    }
    // No `__all__` (or one the analysis does not know): every public name.
    for (const [k, v] of mod.scope.entries()) if (!k.startsWith('_')) scope.set(k, v);
  }

  /**
   * Loads `a`, `a.b`, `a.b.c` in turn (a package runs before its submodules), binding each child in
   * its parent. `onlyLast`: the code importing sees only the last module, not the packages passed.
   */
  private loadChain(dotted: string, onlyLast: boolean): (LoadedModule | null)[] {
    const parts = dotted.split('.');
    const chain: (LoadedModule | null)[] = [];
    for (let i = 1; i <= parts.length; i++) {
      const mod = this.load(parts.slice(0, i).join('.'), onlyLast && i < parts.length);
      const parent = chain[i - 2];
      if (mod && parent) parent.scope.set(parts[i - 1], moduleValue(mod));
      chain.push(mod);
    }
    return chain;
  }

  private loadDotted(dotted: string): LoadedModule | null {
    const chain = this.loadChain(dotted, true);
    return chain[chain.length - 1];
  }

  private load(name: string, passThrough = false): LoadedModule | null {
    return this.program.load(name, this.runner, passThrough);
  }

  /** The absolute name of `from ..x import` in the module owning `scope`, or null. */
  private relativeName(level: number, module: string, scope: Scope): string | null {
    const owner = moduleScope(scope).module;
    if (!owner || !owner.name) return null;
    const parts = owner.name.split('.');
    // A package's own `__init__` is the package; a plain module's package is its parent.
    if (!owner.isPackage) parts.pop();
    for (let i = 1; i < level; i++) {
      if (parts.length === 0) return null;
      parts.pop();
    }
    const base = parts.join('.');
    if (!module) return base || null;
    return base ? `${base}.${module}` : module;
  }
}
