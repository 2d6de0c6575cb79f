/**
 * The shapelint language server. Only this folder speaks LSP: it keeps open documents and
 * their trees, runs the shared lint pipeline (`host/lint.ts`, the same as the CLI), and turns
 * the engine's results into diagnostics, code actions, hovers and inlay hints.
 */
import {
  CodeActionKind,
  createConnection,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  DocumentDiagnosticReportKind,
  FileOperationPatternKind,
  LSPErrorCodes,
  ProposedFeatures,
  ResponseError,
  TextDocumentSyncKind,
  type CancellationToken,
  type ClientCapabilities,
  type CodeAction,
  type CodeActionParams,
  type Diagnostic as LspDiagnostic,
  type Connection,
  type DocumentDiagnosticReport,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildId, ResultCache, userCacheDir } from '../host/cache';
import { importsAny } from '../host/project';
import { CrossFileDiagnostics, withProjectFacts } from './cross-file';
import { WorkspaceIndex } from './workspace-index';
import { shapelintVersion } from '../host/version';
import type { ModelSummary } from '../engine/index';
import { Analyzer, workspacePass, type Analysis } from './analysis';
import { codeActions, FIX_ALL_KIND, PORT_KIND } from './code-actions';
import { DocumentStore, localPath as workspaceRoot, type OpenDocument } from './documents';
import { ProjectConfig, WATCHED_CONFIG_GLOBS } from './project-config';
import { NOTEBOOK_SYNC, Notebooks } from './notebooks';
import { graphResult, ModelGraphRequest, ModelSummaryRequest, summaryResult, SyntaxTreeRequest, PortRequest, type ModelSummaryParams } from './requests';
import { BurstScheduler } from './scheduler';
import { SettingsCache } from './settings';
import { hoverAt, inlayHintsIn, modelAt } from './stale';
import { connectionFromCommandLine } from './transport';

/** During a burst of edits, push diagnostics at most this often (the first one is immediate). */
const PUSH_INTERVAL_MS = 150;

/**
 * Hovers, inlay hints and model summaries wait this long for the analysis of the current text,
 * then answer from the last completed one, so they stay fast while a long analysis runs.
 */
const RECENT_WAIT_MS = 30;
/** A document's first analysis has nothing older to answer from: wait for it (cancellable) up to this. */
const FIRST_ANALYSIS_WAIT_MS = 10_000;

export interface ServerOptions {
  /** Defaults to a connection chosen by the command line (`--stdio`, `--node-ipc`, `--socket=`). */
  connection?: Connection;
}

export function startServer(options: ServerOptions = {}): Connection {
  const connection = options.connection ?? connectionFromCommandLine() ?? createConnection(ProposedFeatures.all);
  new ShapelintServer(connection).register();
  // A bug in one handler must not end the editor session: log it and keep serving.
  process.on('uncaughtException', (e) => connection.console.error(`shapelint: uncaught: ${e.stack ?? e.message}`));
  process.on('unhandledRejection', (e) => connection.console.error(`shapelint: unhandled rejection: ${String(e)}`));
  connection.listen();
  return connection;
}

class ShapelintServer {
  private readonly docs = new DocumentStore();
  /** Open notebooks: each one's program is a document in `docs` under the notebook's URI. */
  private readonly notebooks = new Notebooks(this.docs);
  private readonly project = new ProjectConfig(
    () => this.root,
    (m) => this.connection.console.error(m),
  );
  /** The workspace root: relative paths in configs and messages start here, as in the CLI. */
  private root = process.cwd();
  private readonly settings: SettingsCache;
  private analyzer: Analyzer | null = null;
  private capabilities: ClientCapabilities = {};
  private pullMode = false;
  /** Settings pushed in `didChangeConfiguration`, for clients without `workspace/configuration`. */
  private pushedSettings: unknown = undefined;
  private readonly resultIds = new WeakMap<Analysis, string>();
  private nextResultId = 1;
  private readonly scheduler: BurstScheduler;
  /** Documents whose inlay hints were last served from an older analysis. */
  private readonly staleHints = new Set<string>();
  /** Diagnostics that one document's analysis found in other files (the modules it imports). */
  private readonly cross = new CrossFileDiagnostics();
  /** The `workspaceDiagnostics` initialization option (see `workspaceDiagnostics`). */
  private workspacePass = false;
  private readonly index = new WorkspaceIndex(
    () => this.root,
    (m) => this.connection.console.error(m),
  );
  /** Modules whose unopened importers were analysed in the background (once per configuration). */
  private readonly indexed = new Set<string>();
  /**
   * What `publish` last pushed for each open document. A push replaces the client's diagnostics of
   * the document (LSP: no merging on the client), so the same diagnostics for the same version are
   * not pushed again: an edited module's dependents whose results did not change cost nothing.
   */
  private readonly published = new Map<string, { version: number; diagnostics: LspDiagnostic[] }>();
  /** Documents (not notebooks) the client pulled diagnostics for since their last change. */
  private readonly pulledSinceChange = new Set<string>();

  constructor(private readonly connection: Connection) {
    this.settings = new SettingsCache((uri) => this.fetchSettings(uri));
    this.scheduler = new BurstScheduler(PUSH_INTERVAL_MS, (uri) => void this.publish(uri));
  }

  register(): void {
    const c = this.connection;
    c.onInitialize(async (params) => {
      this.capabilities = params.capabilities;
      this.root = workspaceRoot(params.workspaceFolders?.[0]?.uri ?? params.rootUri) ?? this.root;
      const init = params.initializationOptions as { settings?: unknown; workspaceDiagnostics?: unknown } | undefined;
      this.pushedSettings = init?.settings;
      this.workspacePass = init?.workspaceDiagnostics === true;
      this.analyzer = new Analyzer(this.docs, this.settings, this.project, (m) => c.console.error(m), (a) => this.analysed(a), (uri) => this.notebooks.cellSpans(uri));
      this.analyzer.warm();
      return this.initializeResult();
    });
    c.onInitialized(() => {
      this.registerDynamicCapabilities();
      if (this.workspacePass) void this.workspaceDiagnostics();
    });
    c.onDidOpenTextDocument(({ textDocument: d }) => {
      this.analyzer?.forget(d.uri);
      this.analyzer?.dropBackground(d.uri);
      this.published.delete(d.uri);
      this.docs.open(d.uri, d.languageId, d.version, d.text);
      // Its own analysis replaces what the workspace pass found in it while it was closed.
      this.crossChanged(this.cross.forget(closedSource(d.uri)));
      this.documentChanged(d.uri);
      // After this turn: the open's own analysis goes first.
      setTimeout(() => this.analyseImporters(d.uri), 0);
    });
    c.onDidChangeTextDocument(({ textDocument, contentChanges }) => {
      const doc = this.docs.get(textDocument.uri);
      if (!doc) return;
      const rejected = doc.applyChanges(contentChanges, textDocument.version ?? doc.version + 1);
      if (rejected) c.console.error(`shapelint: ${doc.uri}: ${rejected}`);
      else this.documentChanged(doc.uri);
      // A document the client pulled since its last change (one it shows) is pulled again after this
      // one: its analysis starts now, not when the pull arrives (a message and a wake-up later).
      // Documents edited unseen (a rename across files) wait for their pull as before.
      if (!rejected && this.pulledSinceChange.delete(doc.uri)) void this.analyzer?.analyse(doc.uri);
    });
    c.onDidCloseTextDocument(({ textDocument }) => this.closed(textDocument.uri));
    c.notebooks.synchronization.onDidOpenNotebookDocument((p) => {
      this.analyzer?.forget(p.notebookDocument.uri);
      this.documentChanged(this.notebooks.open(p));
    });
    c.notebooks.synchronization.onDidChangeNotebookDocument((p) => {
      const rejected = this.notebooks.change(p);
      if (rejected) c.console.error(`shapelint: ${p.notebookDocument.uri}: ${rejected}`);
      this.documentChanged(p.notebookDocument.uri);
    });
    c.notebooks.synchronization.onDidCloseNotebookDocument((p) => {
      const cells = this.notebooks.codeCells(p.notebookDocument.uri);
      this.notebooks.close(p.notebookDocument.uri);
      this.closed(p.notebookDocument.uri);
      for (const uri of cells) void this.connection.sendDiagnostics({ uri, diagnostics: [] });
    });
    c.onDidChangeConfiguration((p) => {
      const s = (p.settings as { shapelint?: unknown } | null | undefined)?.shapelint;
      if (s !== undefined) this.pushedSettings = s;
      this.configChanged();
    });
    c.onDidChangeWatchedFiles(({ changes }) => {
      const modules = changes.filter((x) => /\.pyi?$/.test(x.uri));
      if (modules.length < changes.length) this.configChanged();
      else this.modulesChanged(modules.map((x) => x.uri));
    });
    // A module created, deleted or renamed may change how other files' imports resolve.
    c.workspace.onDidCreateFiles(({ files }) => this.modulesChanged(files.map((f) => f.uri)));
    c.workspace.onDidDeleteFiles(({ files }) => this.modulesChanged(files.map((f) => f.uri)));
    c.workspace.onDidRenameFiles(({ files }) => this.modulesChanged(files.flatMap((f) => [f.oldUri, f.newUri])));
    c.languages.diagnostics.on((p, token) => this.pull(p.textDocument.uri, p.previousResultId, token));
    c.onCodeAction(async (p, token) => {
      const cell = this.notebooks.notebookOf(p.textDocument.uri);
      if (cell) return this.cellCodeActions(p, cell, token);
      const a = await this.current(p.textDocument.uri, token);
      return a ? codeActions(p, a) : null;
    });
    c.onHover(async (p, token) => {
      const at = this.notebooks.toProgram(p.textDocument.uri, p.position);
      const r = await this.recent(at?.uri ?? p.textDocument.uri, token);
      const h = r ? hoverAt(this.withFacts(r.analysis, r.doc), r.doc, at?.position ?? p.position) : null;
      if (!at || !h?.range) return h;
      const range = this.notebooks.toCell(at.uri, h.range);
      return range?.uri === p.textDocument.uri ? { ...h, range: range.range } : { contents: h.contents };
    });
    c.languages.inlayHint.on(async (p, token) => {
      const range = this.notebooks.rangeToProgram(p.textDocument.uri, p.range);
      const uri = range ? this.notebooks.notebookOf(p.textDocument.uri)! : p.textDocument.uri;
      const r = await this.recent(uri, token);
      if (r && r.analysis.text !== r.doc.text) this.staleHints.add(r.doc.uri);
      const hints = r ? inlayHintsIn(this.withFacts(r.analysis, r.doc), r.doc, range ?? p.range) : null;
      if (!range || !hints) return hints;
      return hints.flatMap((h) => {
        const at = this.notebooks.toCell(uri, { start: h.position, end: h.position });
        return at?.uri === p.textDocument.uri ? [{ ...h, position: at.range.start }] : [];
      });
    });
    c.onRequest(ModelSummaryRequest, async (p, token) => {
      const found = await this.modelFor(p, token);
      return found ? summaryResult(found.model) : null;
    });
    c.onRequest(ModelGraphRequest, async (p, token) => {
      const found = await this.modelFor(p, token);
      return found ? graphResult(found.analysis, found.model) : null;
    });
    c.onRequest(PortRequest, async (p) => {
      const r = await this.analyzer?.port(p.textDocument.uri, p.model, p.to);
      return r ? { code: r.code, model: r.modelName, from: r.source, to: p.to, problems: r.problems } : null;
    });
    c.onRequest(SyntaxTreeRequest, async (p) => (await this.analyzer?.syntaxTree(p.textDocument.uri)) ?? null);
    c.onShutdown(() => this.shutdown());
  }

  private initializeResult(): InitializeResult {
    this.pullMode = !!this.capabilities.textDocument?.diagnostic;
    const result: InitializeResult = {
      capabilities: {
        positionEncoding: 'utf-16',
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        notebookDocumentSync: NOTEBOOK_SYNC,
        hoverProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND, PORT_KIND] },
        inlayHintProvider: true,
        workspace: { fileOperations: { didCreate: MODULE_OPERATIONS, didDelete: MODULE_OPERATIONS, didRename: MODULE_OPERATIONS } },
      },
      serverInfo: { name: 'shapelint', version: shapelintVersion() },
    };
    if (this.pullMode) {
      result.capabilities.diagnosticProvider = { identifier: 'shapelint', interFileDependencies: true, workspaceDiagnostics: false };
    }
    return result;
  }

  private registerDynamicCapabilities(): void {
    const ws = this.capabilities.workspace;
    if (ws?.didChangeConfiguration?.dynamicRegistration) {
      void this.connection.client.register(DidChangeConfigurationNotification.type, { section: 'shapelint' });
    }
    if (ws?.didChangeWatchedFiles?.dynamicRegistration) {
      void this.connection.client.register(DidChangeWatchedFilesNotification.type, {
        watchers: [...WATCHED_CONFIG_GLOBS, '**/*.py'].map((globPattern) => ({ globPattern })),
      });
    }
  }

  private fetchSettings(uri: string): Promise<unknown> {
    if (this.capabilities.workspace?.configuration) {
      return this.connection.workspace.getConfiguration({ scopeUri: uri, section: 'shapelint' });
    }
    return Promise.resolve(this.pushedSettings);
  }

  /**
   * Notebook cells get pushed diagnostics even from a client that pulls: VS Code's client pulls
   * only for documents shown in tabs, and a notebook's tab is not its cells.
   */
  private documentChanged(uri: string): void {
    if (!this.pullMode || this.notebooks.isNotebook(uri)) this.scheduler.schedule(uri);
    this.dependentsChanged(uri);
  }

  /** The open documents that import `uri`'s module are analysed again (their results depend on its text). */
  private dependentsChanged(uri: string): void {
    const file = workspaceRoot(uri);
    if (!file || !this.analyzer) return;
    this.analyzer.moduleEdited(file);
    const dependents = this.analyzer.dependentsOf(file).filter((d) => d !== uri);
    const closed: string[] = [];
    for (const d of dependents) {
      const onDisk = workspaceRoot(d);
      if (this.analyzer.isBackground(d)) {
        if (onDisk) closed.push(onDisk);
        continue;
      }
      this.analyzer.invalidate(d);
      if (!this.pullMode) this.scheduler.schedule(d);
    }
    if (closed.length) void this.analyzer.analyseClosed(closed);
    if (this.pullMode && dependents.length) this.refreshPulled();
  }

  /**
   * The importers of an opened module that are not open are analysed in the background (from the
   * workspace index), so the module shows what the project's scripts do to it.
   */
  private analyseImporters(uri: string): void {
    const file = workspaceRoot(uri);
    if (!file || !file.endsWith('.py') || this.indexed.has(file) || !this.analyzer) return;
    this.indexed.add(file);
    const open = new Set(this.docs.all().flatMap((d) => workspaceRoot(d.uri) ?? []));
    void this.analyzer.analyseClosed(this.index.importersOf(file, open));
  }

  /**
   * Python files (or folders) were created, deleted, renamed or changed on disk: an analysis whose
   * imports name one of them may now resolve an import to another file (a new module shadowing the
   * one found before) or read another text, so it runs again. Open documents' own texts win over
   * disk, so a change on disk to an open file changes nothing.
   */
  private modulesChanged(uris: string[]): void {
    const files = uris.flatMap((u) => workspaceRoot(u) ?? []).filter((f) => !this.docs.get(pathToFileURL(f).href));
    if (!files.length || !this.analyzer) return;
    this.index.invalidate();
    const names = new Set(files.map(moduleWord));
    let pulled = false;
    const closed: string[] = [];
    for (const a of this.analyzer.analyses()) {
      if (!importsAny(a.text, names) && !files.some((f) => a.imports.includes(f))) continue;
      const file = workspaceRoot(a.uri);
      if (this.analyzer.isBackground(a.uri)) {
        if (file && !files.includes(file)) closed.push(file);
        continue;
      }
      this.analyzer.invalidate(a.uri);
      if (this.pullMode && !this.notebooks.isNotebook(a.uri)) pulled = true;
      else this.scheduler.schedule(a.uri);
    }
    if (pulled) this.refreshPulled();
    if (closed.length) void this.analyzer.analyseClosed(closed);
  }

  private refreshPulled(): void {
    if (this.capabilities.workspace?.diagnostics?.refreshSupport) void this.connection.languages.diagnostics.refresh();
  }

  /** Diagnostics found in other files changed: show them there (pushed for files that are not open). */
  private crossChanged(targets: string[]): void {
    let refresh = false;
    for (const t of targets) {
      if (!this.docs.get(t)) void this.connection.sendDiagnostics({ uri: t, diagnostics: this.cross.for(t, []) });
      else if (this.pullMode) refresh = true;
      else this.scheduler.schedule(t);
    }
    if (refresh) this.refreshPulled();
  }

  /**
   * The `workspaceDiagnostics` initialization option: every closed Python file of the workspace
   * index gets its diagnostics pushed (and those it finds in the modules it imports), from the
   * result cache `shapelint check` shares when the file and every module its result looked up are
   * unchanged, else analysed after the open documents (and cached). Logged with its time.
   */
  private async workspaceDiagnostics(): Promise<void> {
    if (!this.analyzer) return;
    const t0 = performance.now();
    const open = new Set(this.docs.all().flatMap((d) => workspaceRoot(d.uri) ?? []));
    const files = this.index.list().filter((f) => f.endsWith('.py') && !open.has(f));
    const cache = serverCache();
    const pass = workspacePass(await this.settings.get(pathToFileURL(this.root).href));
    let analysed = 0;
    let fromCache = 0;
    for (let i = 0; i < files.length; i += WORKSPACE_CHUNK) {
      const done = await this.analyzer.workspaceAnalyses(files.slice(i, i + WORKSPACE_CHUNK), cache, pass);
      analysed += done.analyses.length;
      fromCache += done.fromCache;
      for (const a of done.analyses) {
        if (this.docs.get(a.uri)) continue;
        const found = new Map<string, LspDiagnostic[]>([[a.uri, a.diagnostics] as const, ...a.foreign].filter(([, ds]) => ds.length));
        this.crossChanged(this.cross.update(closedSource(a.uri), found));
      }
    }
    this.connection.console.info(`shapelint: workspace diagnostics of ${analysed} closed files (${fromCache} from the cache) in ${Math.round(performance.now() - t0)} ms`);
  }

  /** An analysis plus the shapes that open dependents' runs gave this document's layers. */
  private withFacts(a: Analysis, doc: OpenDocument): Analysis {
    const file = workspaceRoot(doc.uri);
    return file && a.text === doc.text ? withProjectFacts(a, file, this.analyzer?.analyses() ?? []) : a;
  }

  private closed(uri: string): void {
    this.docs.close(uri);
    this.published.delete(uri);
    this.pulledSinceChange.delete(uri);
    this.staleHints.delete(uri);
    this.analyzer?.forget(uri);
    this.scheduler.cancel(uri);
    const targets = this.cross.forget(uri);
    // Errors other documents' runs find in it stay shown while it is closed.
    if (!this.pullMode || this.cross.for(uri, []).length) void this.connection.sendDiagnostics({ uri, diagnostics: this.cross.for(uri, []) });
    this.crossChanged(targets);
  }

  private configChanged(): void {
    this.analyzer?.invalidateConfig();
    this.index.invalidate();
    this.indexed.clear();
    const ws = this.capabilities.workspace;
    if (this.pullMode && ws?.diagnostics?.refreshSupport) void this.connection.languages.diagnostics.refresh();
    for (const d of this.docs.all()) if (!this.pullMode || this.notebooks.isNotebook(d.uri)) this.scheduler.schedule(d.uri);
    if (ws?.inlayHint?.refreshSupport) void this.connection.languages.inlayHint.refresh();
  }

  /** Push mode (and notebooks): analyse and publish, unless the document moved on meanwhile (a newer run is queued). */
  private async publish(uri: string): Promise<void> {
    const a = await this.analyzer?.analyse(uri);
    const doc = this.docs.get(uri);
    if (!a || !doc || doc.version !== a.version) return;
    if (!this.notebooks.isNotebook(uri)) {
      const diagnostics = this.cross.for(uri, a.diagnostics);
      const last = this.published.get(uri);
      if (last?.version === a.version && sameDiagnostics(last.diagnostics, diagnostics)) return;
      this.published.set(uri, { version: a.version, diagnostics });
      return void (await this.connection.sendDiagnostics({ uri, version: a.version, diagnostics }));
    }
    for (const cell of this.notebooks.codeCells(uri)) {
      await this.connection.sendDiagnostics({ uri: cell, diagnostics: this.notebooks.cellDiagnostics(uri, cell, a.diagnostics) });
    }
  }

  private async pull(uri: string, previousResultId: string | undefined, token: CancellationToken): Promise<DocumentDiagnosticReport> {
    const notebook = this.notebooks.notebookOf(uri);
    if (notebook) {
      const a = await untilCancelled(this.analyzer?.analyse(notebook) ?? null, token);
      return { kind: DocumentDiagnosticReportKind.Full, items: a ? this.notebooks.cellDiagnostics(notebook, uri, a.diagnostics) : [] };
    }
    if (this.docs.get(uri)) this.pulledSinceChange.add(uri);
    const a = await untilCancelled(this.analyzer?.analyse(uri) ?? null, token);
    if (!a) return { kind: DocumentDiagnosticReportKind.Full, items: [] };
    let id = this.resultIds.get(a);
    if (!id) {
      id = String(this.nextResultId++);
      this.resultIds.set(a, id);
    }
    // Diagnostics other documents found here change the result too.
    const resultId = `${id}.${this.cross.generation(uri)}`;
    if (previousResultId === resultId) return { kind: DocumentDiagnosticReportKind.Unchanged, resultId };
    return { kind: DocumentDiagnosticReportKind.Full, resultId, items: this.cross.for(uri, a.diagnostics) };
  }

  /** Code actions in a notebook cell: computed on the program, their edits moved back into cells. */
  private async cellCodeActions(p: CodeActionParams, notebook: string, token: CancellationToken): Promise<CodeAction[] | null> {
    const a = await this.current(notebook, token);
    const range = this.notebooks.rangeToProgram(p.textDocument.uri, p.range);
    if (!a || !range) return null;
    // Diagnostics are matched again by code and program range: their data held no cell coordinates.
    const diagnostics = p.context.diagnostics.flatMap((d) => {
      const r = this.notebooks.rangeToProgram(p.textDocument.uri, d.range);
      return r ? [{ ...d, range: r, data: undefined }] : [];
    });
    const actions = codeActions({ ...p, textDocument: { uri: notebook }, range, context: { ...p.context, diagnostics } }, a);
    return actions.map((x) => ({ ...x, diagnostics: x.diagnostics && p.context.diagnostics, edit: this.notebooks.editToCells(notebook, x.edit) }));
  }

  /** The model a summary or graph request asks for; a notebook cell's position is moved into the notebook's program. */
  private async modelFor(p: ModelSummaryParams, token: CancellationToken): Promise<{ analysis: Analysis; model: ModelSummary } | null> {
    const at = p.position ? this.notebooks.toProgram(p.textDocument.uri, p.position) : undefined;
    const r = await this.recent(at?.uri ?? this.notebooks.notebookOf(p.textDocument.uri) ?? p.textDocument.uri, token);
    const model = r && modelAt(r.analysis, r.doc, at?.position ?? p.position, p.name);
    return model ? { analysis: r.analysis, model } : null;
  }

  /** The analysis of exactly the document's current text (it runs in the analysis process). */
  private current(uri: string, token: CancellationToken): Promise<Analysis | null> {
    return untilCancelled(this.analyzer?.current(uri) ?? null, token);
  }

  /** A recent analysis and the document to map it onto (see RECENT_WAIT_MS). */
  private async recent(uri: string, token: CancellationToken): Promise<{ analysis: Analysis; doc: OpenDocument } | null> {
    const analysis = await untilCancelled(this.analyzer?.recent(uri, RECENT_WAIT_MS, FIRST_ANALYSIS_WAIT_MS) ?? null, token);
    const doc = this.docs.get(uri);
    return analysis && doc ? { analysis, doc } : null;
  }

  /** Inlay hints served from an older text are asked for again once the current one is analysed. */
  private analysed(a: Analysis): void {
    this.crossChanged(this.cross.update(a.uri, a.foreign));
    if (!this.staleHints.delete(a.uri)) return;
    if (this.capabilities.workspace?.inlayHint?.refreshSupport) void this.connection.languages.inlayHint.refresh();
  }

  private shutdown(): void {
    this.scheduler.dispose();
    this.docs.disposeAll();
    this.analyzer?.dispose();
  }
}

/** Resolves with `work`, or rejects as cancelled as soon as the client cancels (the work goes on). */
function untilCancelled<T>(work: Promise<T> | T, token: CancellationToken): Promise<T> {
  if (token.isCancellationRequested) return Promise.reject(cancelled());
  return new Promise<T>((resolve, reject) => {
    const listener = token.onCancellationRequested(() => reject(cancelled()));
    Promise.resolve(work).then(
      (v) => {
        listener.dispose();
        if (token.isCancellationRequested) reject(cancelled());
        else resolve(v);
      },
      (e) => {
        listener.dispose();
        reject(e);
      },
    );
  });
}

/** Whether two lists of diagnostics are equal, value for value (they are plain JSON data). */
function sameDiagnostics(a: LspDiagnostic[], b: LspDiagnostic[]): boolean {
  return a.length === b.length && sameJson(a, b);
}

function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** File operations on Python files and on folders (packages) change how imports resolve. */
const MODULE_OPERATIONS = { filters: [{ pattern: { glob: '**/*.{py,pyi}' } }, { pattern: { glob: '**/*', matches: FileOperationPatternKind.folder } }] };

/** The word an import names a file or folder by: `utils` for `utils.py`, `pkg` for `pkg/__init__.py` or the folder `pkg`. */
function moduleWord(file: string): string {
  const base = path.basename(file);
  if (/^__init__\.pyi?$/.test(base)) return path.basename(path.dirname(file));
  return base.replace(/\.pyi?$/, '');
}

function cancelled(): ResponseError<{ retriggerRequest: boolean }> {
  return new ResponseError(LSPErrorCodes.ServerCancelled, 'cancelled', { retriggerRequest: true });
}

/** Closed files analysed by the workspace pass at a time (read, looked up in the cache, analysed when missing). */
const WORKSPACE_CHUNK = 64;

/** What the workspace pass found in a closed file and the modules it imports, recorded under a source of its own. */
function closedSource(uri: string): string {
  return `closed:${uri}`;
}

/**
 * The result cache `shapelint check` uses (the user's cache folder, never the project's),
 * keyed by the same build: the compiled engine and host, or this bundle when it holds them.
 */
function serverCache(): ResultCache | null {
  const dir = userCacheDir(process.env);
  if (!dir) return null;
  const engine = path.join(__dirname, '..', 'engine');
  const code = existsSync(engine) ? [engine, path.join(__dirname, '..', 'host'), path.join(__dirname, 'lint-worker.bundle.js')] : [__filename];
  return new ResultCache(dir, buildId(shapelintVersion(), code));
}
