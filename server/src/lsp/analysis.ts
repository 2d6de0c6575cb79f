/**
 * Runs the shared lint pipeline on an open document and caches the result per document
 * version and configuration generation, so diagnostics, code actions, hovers and inlay hints
 * of one version all come from one analysis.
 */
import type { Diagnostic as LspDiagnostic } from 'vscode-languageserver';
import { analyzeTree, type LineIndex, type PythonParser } from '../engine/index';
import { kerasVersionsOf } from '../host/keras-pins';
import { engineOptions, lintEngineResult, type LintResult, type LintSettings } from '../host/lint';
import type { DocumentStore, OpenDocument } from './documents';
import { toDiagnostic } from './convert';
import type { ProjectConfig, ProjectSettings } from './project-config';
import type { ServerSettings, SettingsCache } from './settings';

export interface Analysis {
  uri: string;
  version: number;
  text: string;
  lines: LineIndex;
  settings: ServerSettings;
  /** Null when the document is not analysed (not Python, or too large). */
  lint: LintResult | null;
  diagnostics: LspDiagnostic[];
}

interface CacheEntry {
  stamp: string;
  analysis: Analysis;
}

export class Analyzer {
  private readonly cache = new Map<string, CacheEntry>();
  private configGeneration = 0;

  constructor(
    private readonly parser: PythonParser,
    private readonly docs: DocumentStore,
    private readonly settings: SettingsCache,
    private readonly project: ProjectConfig,
    private readonly log: (message: string) => void,
  ) {}

  /** Settings or project files changed: every cached analysis is stale. */
  invalidateConfig(): void {
    this.configGeneration++;
    this.settings.clear();
    this.project.clear();
  }

  forget(uri: string): void {
    this.cache.delete(uri);
    this.settings.forget(uri);
  }

  /** The analysis of the document's current version (computed now if not cached). */
  async analyse(uri: string): Promise<Analysis | null> {
    const generation = this.configGeneration;
    const settings = await this.settings.get(uri);
    // The document may have changed or closed while the client answered; read it afresh.
    const doc = this.docs.get(uri);
    if (!doc) return null;
    const stamp = `${doc.version}:${generation}:${this.configGeneration}`;
    const hit = this.cache.get(uri);
    if (hit && hit.stamp === stamp && hit.analysis.text === doc.text) return hit.analysis;
    const analysis = this.compute(doc, settings);
    this.cache.set(uri, { stamp, analysis });
    return analysis;
  }

  /** The last analysis, even if stale; for requests that must not wait. */
  cached(uri: string): Analysis | undefined {
    return this.cache.get(uri)?.analysis;
  }

  private compute(doc: OpenDocument, settings: ServerSettings): Analysis {
    const base = { uri: doc.uri, version: doc.version, text: doc.text, lines: doc.lines, settings };
    let lint: LintResult | null = null;
    try {
      const tree = doc.syntaxTree(this.parser);
      const project = this.project.forDocument(doc.uri);
      if (tree && !project.excluded) {
        const options = lintSettings(settings, project);
        lint = lintEngineResult(analyzeTree(tree, doc.text, { ...engineOptions(options), conversionCache: doc.conversionCache }), doc.text, options);
      }
    } catch (e) {
      // Never let one document's failure take the server down; report it in the log.
      this.log(`shapelint: analysis of ${doc.uri} failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
      doc.disposeTree();
    }
    if (lint?.engine.internalError) this.log(`shapelint: internal error on ${doc.uri}: ${lint.engine.internalError}`);
    const diagnostics = lint ? lint.diagnostics.map((d) => toDiagnostic(d, doc.lines, doc.uri, doc.version)) : [];
    return { ...base, lint, diagnostics };
  }
}

/** The editor's `shapelint.kerasVersion` wins over the project's config and pins. */
function kerasVersionSettings(s: ServerSettings, p: ProjectSettings): Pick<LintSettings, 'kerasVersions' | 'kerasVersionSource'> {
  if (s.kerasVersion !== 'auto') return { kerasVersions: kerasVersionsOf(s.kerasVersion), kerasVersionSource: 'the shapelint.kerasVersion setting' };
  return p.kerasVersions ? { kerasVersions: p.kerasVersions, kerasVersionSource: p.kerasVersionSource } : {};
}

/** Editor settings win over project files when set, as Ruff's `editorFirst` does. */
export function lintSettings(s: ServerSettings, p: ProjectSettings): LintSettings {
  const out: LintSettings = {
    select: s.select.length > 0 ? s.select : p.select,
    ignore: [...(p.ignore ?? []), ...s.ignore],
    inputShapes: { ...p.inputShapes, ...s.inputShapes },
    kerasBackend: p.kerasBackend,
    ...kerasVersionSettings(s, p),
    budgets: p.budgets,
  };
  if (s.kerasDataFormat !== 'auto') {
    out.kerasDataFormat = s.kerasDataFormat;
    out.kerasDataFormatSource = 'the shapelint.kerasDataFormat setting';
  } else if (p.kerasDataFormat) {
    out.kerasDataFormat = p.kerasDataFormat;
    out.kerasDataFormatSource = p.kerasDataFormatSource;
  }
  return out;
}
