/**
 * The modules of one multi-file analysis. The analysed file (the entry) and every module it
 * imports live in one program text: the entry at offset 0, each imported module appended after
 * it, so an offset names a place in exactly one module and the interpreter and model layer keep
 * working on plain offsets. `locate` maps an offset back to its module and local offset.
 *
 * Modules are loaded lazily, on the first import that names them, and run once (their scope is
 * cached). A module imported while it is still running (an import cycle) is handed out as it
 * is so far, as Python hands out a partially initialised module.
 */
import type { Meter } from '../budget';
import type { Module } from '../syntax/ast';
import { LineIndex } from '../positions';
import { convertModuleAt } from '../syntax/convert';
import type { ParsedTree } from '../syntax/tree';
import type { ImportedModule, ModuleProvider, ModuleSource, TextRange } from '../types';
import { Scope } from './scope';

/** Most modules one analysis loads; past it, imports are unknown (a bounded analysis). */
const MAX_MODULES = 1000;

export interface LoadedModule {
  name: string;
  /** Null for the entry. */
  source: ModuleSource | null;
  isPackage: boolean;
  /** Where the module's text starts and ends in the program text. */
  base: number;
  end: number;
  scope: Scope;
  /** Set while its body runs: importing it again then gives the partial module. */
  running: boolean;
  lines?: LineIndex;
  /** Comments of an imported module (program offsets), for its suppression comments. */
  comments?: Module['comments'];
}

export class Program {
  private pieces: string[];
  private joined: string | null = null;
  /** By base, ascending (modules are appended). */
  readonly modules: LoadedModule[] = [];
  private readonly byName = new Map<string, LoadedModule | null>();
  private readonly trees: ParsedTree[] = [];

  constructor(
    entryText: string,
    readonly entry: LoadedModule,
    private readonly provider: ModuleProvider | undefined,
    private readonly meter: Meter,
  ) {
    this.pieces = [entryText];
    this.modules.push(entry);
    if (entry.name) this.byName.set(entry.name, entry);
  }

  get text(): string {
    return (this.joined ??= this.pieces.join(''));
  }

  get multiFile(): boolean {
    return this.provider !== undefined;
  }

  /**
   * The module a dotted name resolves to, loaded (its body run by `run`) on first use, or null
   * when the host knows no such project module or stub.
   */
  load(name: string, run: (mod: LoadedModule, ast: Module) => void): LoadedModule | null {
    const cached = this.byName.get(name);
    if (cached !== undefined) return cached;
    if (!this.provider || this.modules.length >= MAX_MODULES || !/^[A-Za-z_][\w.]*$/.test(name)) return null;
    const source = this.provider.find(name) ?? null;
    if (!source) {
      this.byName.set(name, null);
      return null;
    }
    this.meter.charge(1 + Math.ceil(source.text.length / 100));
    const base = this.text.length + 1;
    const mod: LoadedModule = { name, source, isPackage: source.isPackage, base, end: base + source.text.length, scope: new Scope(null, 'module'), running: true };
    mod.scope.module = mod;
    this.pieces.push('\n', source.text);
    this.joined = null;
    this.modules.push(mod);
    this.byName.set(name, mod);
    // A tree the host keeps is shared between analyses; one parsed here is disposed at the end.
    const kept = this.provider.parsed?.(source);
    const tree = kept?.tree ?? this.provider.parser.parse(source.text);
    if (!kept) this.trees.push(tree);
    try {
      const ast = convertModuleAt(tree.rootNode, this.meter, base, kept?.conversions);
      mod.comments = ast.comments;
      run(mod, ast);
    } finally {
      mod.running = false;
    }
    return mod;
  }

  /** Whether the host knows `name` as a module, without loading it. */
  has(name: string): boolean {
    const cached = this.byName.get(name);
    if (cached !== undefined) return cached !== null;
    return !!this.provider?.find(name);
  }

  /** The module holding `offset` (the entry for offsets in no imported module). */
  moduleAt(offset: number): LoadedModule {
    let lo = 0;
    let hi = this.modules.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.modules[mid].base <= offset) lo = mid;
      else hi = mid - 1;
    }
    return this.modules[lo];
  }

  inEntry(r: TextRange): boolean {
    return this.moduleAt(r.start) === this.entry;
  }

  isStub(r: TextRange): boolean {
    return !!this.moduleAt(r.start).source?.stub;
  }

  /** The line of `offset` within its own module (0-based). */
  lineOf(offset: number): number {
    const m = this.moduleAt(offset);
    m.lines ??= new LineIndex(this.text.slice(m.base, m === this.entry ? this.pieces[0].length : m.end));
    return m.lines.lineOf(offset - m.base);
  }

  imports(): ImportedModule[] {
    return this.modules.filter((m) => m.source).map((m) => ({ name: m.name, path: m.source!.path, stub: m.source!.stub }));
  }

  dispose(): void {
    for (const t of this.trees) t.dispose();
    this.trees.length = 0;
  }
}
