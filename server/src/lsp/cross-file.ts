/**
 * What one document's analysis found in other files: diagnostics located in the modules it
 * imports (shown in those files, open or not, merged with their own), and the shapes its runs
 * gave their layers (hovers and inlay hints in a model file show the shapes from the project's
 * entry points that are open).
 */
import type { Diagnostic as LspDiagnostic } from 'vscode-languageserver';
import { contentHash } from '../host/cache';
import type { Analysis } from './analysis';

export class CrossFileDiagnostics {
  /** By the document whose analysis found them, then by the file they are in. */
  private readonly bySource = new Map<string, Map<string, LspDiagnostic[]>>();
  private readonly generations = new Map<string, number>();

  /** Records what `source`'s latest analysis found elsewhere; returns the files whose diagnostics changed. */
  update(source: string, found: Map<string, LspDiagnostic[]>): string[] {
    const before = this.bySource.get(source) ?? new Map<string, LspDiagnostic[]>();
    const changed = [...new Set([...before.keys(), ...found.keys()])].filter((t) => JSON.stringify(before.get(t) ?? []) !== JSON.stringify(found.get(t) ?? []));
    if (found.size) this.bySource.set(source, found);
    else this.bySource.delete(source);
    for (const t of changed) this.generations.set(t, (this.generations.get(t) ?? 0) + 1);
    return changed;
  }

  /** `source` closed: what it found elsewhere goes; returns the files whose diagnostics changed. */
  forget(source: string): string[] {
    return this.update(source, new Map());
  }

  /** `own` plus what other documents found in `target`, each diagnostic once. */
  for(target: string, own: LspDiagnostic[]): LspDiagnostic[] {
    const out = [...own];
    let seen: Set<string> | undefined;
    for (const [source, found] of this.bySource) {
      if (source === target || !found.get(target)?.length) continue;
      // Keyed only when another document found something here (the keys cost more than the rest).
      seen ??= new Set(own.map(key));
      for (const d of found.get(target)!) {
        const k = key(d);
        if (seen.has(k)) continue;
        seen.add(k);
        out.push(d);
      }
    }
    return out;
  }

  /** Changes whenever what others found in `target` changes (pull result ids). */
  generation(target: string): number {
    return this.generations.get(target) ?? 0;
  }
}

function key(d: LspDiagnostic): string {
  return `${d.code}:${d.range.start.line}:${d.range.start.character}:${d.range.end.line}:${d.range.end.character}:${d.message}`;
}

/**
 * `a` (the analysis of the document at `file`) with the layer applications and tensor facts that
 * other documents' runs found in it, when they read the same text the document has now.
 */
export function withProjectFacts(a: Analysis, file: string, others: Analysis[]): Analysis {
  if (!a.lint) return a;
  // The entry points' facts first: where they and the module's own probe (an unknown input) cover
  // the same layer, hovers show the entry point's shapes.
  const models = [];
  const tensors = [];
  const hash = contentHash(a.text);
  for (const o of others) {
    if (o.uri === a.uri || o.importHashes[file] !== hash) continue;
    const facts = o.lint?.engine.elsewhere?.find((e) => e.file === file);
    if (!facts) continue;
    models.push(...facts.models);
    tensors.push(...facts.tensors);
  }
  if (models.length === 0 && tensors.length === 0) return a;
  const engine = { ...a.lint.engine, models: [...models, ...a.lint.engine.models], tensors: [...tensors, ...a.lint.engine.tensors] };
  return { ...a, lint: { ...a.lint, engine } };
}
