/**
 * Imported modules evaluated once per process and shared by every analysis that imports them
 * (issue 9's per-module results): a model module imported by 50 scripts runs its definitions
 * once, not 50 times.
 *
 * A module's evaluation is reusable when it is a pure function of its text, the modules it
 * imports and the options: its body made no model values (layers, objects, tensors), read no
 * list or dict of another shared module (the running analysis's copy, which it may have
 * changed), and left in its scope only values no analysis changes in place where another could
 * see it (`shareableScopes`): numbers, strings, tuples, functions, classes, other shared modules,
 * and lists and dicts read through a scope. Its key is its path, its text (the
 * host's content hash when given) and the options; every name lookup its evaluation made (its
 * imports', transitively, misses included) is recorded with what it found, and a reuse checks
 * each against the analysis's own resolution, so a new module that now shadows an import is
 * never answered with the old evaluation. A shared module's offsets are fixed (it lives in a
 * region of offsets of its own, far above any analysed text); its scope and the scopes its
 * functions close over are frozen: writes go to the running analysis's overlay and each list or
 * dict read from them is the analysis's own copy (`scope.ts`), so `_MODELS['x'] = f` or
 * `__all__.append(...)` in one file is never seen by another. A reuse charges the steps the
 * evaluation took, so budgets behave as in a fresh analysis.
 */
import type { AnalyzeOptions, ModuleSource } from '../types';
import type { LoadedModule } from './program';
import type { Scope } from './scope';
import type { Value } from './values';

/** Shared modules live at offsets from here on (far above any text one analysis holds). */
export const SHARED_BASE = 2 ** 40;
/** Most evaluations kept (least recently used dropped). */
const MAX_SHARED = 512;
/** Deepest value nesting looked at when deciding whether a scope is immutable. */
const MAX_VALUE_DEPTH = 12;

/** One name lookup of an evaluation and its result: the module file (by path and content), or none. */
export interface Lookup {
  name: string;
  path: string | null;
  identity: string | null;
  /** The shared module it loaded, when it loaded one (a `has` check loads none). */
  mod?: LoadedModule;
}

export interface SharedEvaluation {
  mod: LoadedModule;
  /** Every lookup the evaluation made, its imports' included. */
  lookups: Lookup[];
  /** The shared modules it loaded, transitively, in load order (itself last). */
  modules: LoadedModule[];
  /** Interpreter steps the evaluation took (charged again on reuse). */
  steps: number;
  effects: BodyEffects;
}

/** What a module's body did besides defining names (from the interpreter). */
export interface BodyEffects {
  /** It made no model value, tensor fact or diagnostic. */
  pure: boolean;
  /** Model-value touches and calls it made (counted again on reuse, so later counts match a fresh analysis). */
  touches: number;
  calls: number;
}

/** The evaluations of one process (host-owned: the CLI's lint processes and the server's analysis process keep one). */
export class SharedModules {
  private nextBase = SHARED_BASE;
  private readonly byKey = new Map<string, SharedEvaluation>();
  private readonly impure = new Set<string>();
  /** How many loads took a shared evaluation (for tests and the bench). */
  reuses = 0;

  key(source: ModuleSource, optionsKey: string): string {
    return `${optionsKey}\0${source.path}\0${identityOf(source)}`;
  }

  get(key: string): SharedEvaluation | undefined {
    const hit = this.byKey.get(key);
    if (hit) {
      this.byKey.delete(key);
      this.byKey.set(key, hit);
    }
    return hit;
  }

  /** Whether the module was found not shareable before (it is then placed like an unshared module). */
  isImpure(key: string): boolean {
    return this.impure.has(key);
  }

  markImpure(key: string): void {
    if (this.impure.size >= MAX_SHARED * 4) this.impure.clear();
    this.impure.add(key);
  }

  /** A fresh base for a module of `length` characters that may become shared. */
  allocate(length: number): number {
    const base = this.nextBase;
    this.nextBase += length + 1;
    return base;
  }

  /** Shares an evaluation; `scopes` (`shareableScopes`) are frozen. */
  put(key: string, evaluation: SharedEvaluation, scopes: Scope[]): void {
    for (const s of scopes) s.freeze();
    evaluation.mod.shared = evaluation;
    this.byKey.delete(key);
    this.byKey.set(key, evaluation);
    for (const k of this.byKey.keys()) {
      if (this.byKey.size <= MAX_SHARED) break;
      this.byKey.delete(k);
    }
  }

  get size(): number {
    return this.byKey.size;
  }
}

/** How a reuse recognises the same file content: the host's content hash, else the text itself. */
export function identityOf(source: ModuleSource): string {
  return source.hash ?? source.text;
}

/**
 * The scopes to freeze for sharing a module's evaluation (its own and those its functions and
 * classes close over: the locals of a factory call), or null when a value could be changed in
 * place by one analysis and seen by another. Lists and dicts are shared only where every read
 * goes through a frozen scope, which gives each analysis its own copy (`scope.ts`): as a
 * variable's value or inside one, or as an attribute of a class closing over a frozen scope
 * (`findClassAttr` copies them the same way; the engine never assigns a class attribute after the
 * class body). Objects, layers, tensors and bound methods are not shared.
 */
export function shareableScopes(mod: LoadedModule): Scope[] | null {
  const walk = new ShareWalk(mod);
  return walk.scope(mod.scope) ? [...walk.scopes] : null;
}

class ShareWalk {
  readonly scopes = new Set<Scope>();
  /** Values looked at: true when only as read through a scope (the laxer case, where lists are copied). */
  private readonly seen = new Map<Value, boolean>();

  constructor(private readonly self: LoadedModule) {}

  /**
   * A scope and those around it, up to its module's: another module's must be a shared one's
   * (this module's may be a fork, a branch whose test was unknown, where a function was defined).
   */
  scope(from: Scope): boolean {
    for (let s: Scope | null = from; s; s = s.parent) {
      if (this.scopes.has(s) || s.frozen) return true;
      if (s.kind === 'module' && s.module !== this.self) return s.module?.shared !== undefined;
      this.scopes.add(s);
      // A class body's names are read only as the class's attributes, which `findClassAttr`
      // copies as a frozen scope does: read through a scope either way.
      for (const [, v] of s.entries()) if (!this.value(v, true, 0)) return false;
    }
    return true;
  }

  value(v: Value, viaScope: boolean, depth: number): boolean {
    const before = this.seen.get(v);
    if (before === false || (before === true && viaScope)) return true;
    if (depth > MAX_VALUE_DEPTH) return false;
    this.seen.set(v, viaScope);
    switch (v.t) {
      case 'unknown':
      case 'num':
      case 'str':
      case 'bool':
      case 'none':
      case 'range':
      case 'ext':
        return true;
      case 'tuple':
        return v.items.every((x) => this.value(x, viaScope, depth + 1));
      case 'list':
        return viaScope && v.items.every((x) => this.value(x, true, depth + 1));
      case 'dict':
        return viaScope && v.entries.every(([k, x]) => this.value(k, true, depth + 1) && this.value(x, true, depth + 1));
      case 'module':
        return !v.mod || v.mod === this.self || v.mod.shared !== undefined;
      case 'func':
        return v.self === undefined && this.scope(v.closure);
      case 'class':
        // Its attributes are read through `findClassAttr`, which copies lists and dicts as a scope does.
        return v.bases.every((b) => this.value(b, false, depth + 1)) && [...v.attrs.values()].every((x) => this.value(x, true, depth + 1)) && this.scope(v.closure);
      default:
        return false;
    }
  }
}

/** Options that are the entry's own or not data (they never change what a module's definitions are). */
const ENTRY_OPTIONS = new Set(['modules', 'moduleName', 'isPackage', 'cells', 'clock', 'onTargetCheck', 'conversionCache']);

/** The options a shared evaluation is valid for (plain data, the entry's own left out). */
export function optionsKey(options: AnalyzeOptions): string {
  return JSON.stringify(options, (k, v) => (ENTRY_OPTIONS.has(k) || typeof v === 'function' ? undefined : v));
}
