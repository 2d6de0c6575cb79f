/**
 * The shapelint VS Code extension: starts the bundled language server (over IPC) for Python
 * files and Jupyter notebooks, and adds its commands. All analysis happens in the server; this file only wires it.
 */
import * as vscode from 'vscode';
import {
  LanguageClient,
  RequestType,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';

interface ModelSummaryResult {
  name: string;
  framework: string;
  markdown: string;
}

const ModelSummaryRequest = new RequestType<
  { textDocument: { uri: string }; position: vscode.Position },
  ModelSummaryResult | null,
  void
>('shapelint/modelSummary');

interface ModelGraphResult {
  name: string;
  framework: string;
  svg: string;
}

const ModelGraphRequest = new RequestType<
  { textDocument: { uri: string }; position?: vscode.Position; name?: string },
  ModelGraphResult | null,
  void
>('shapelint/modelGraph');

type PortTarget = 'keras' | 'gluon' | 'torch';

interface PortResult {
  code?: string;
  model?: string;
  from?: PortTarget;
  to: PortTarget;
  problems: string[];
}

const PortRequest = new RequestType<{ textDocument: { uri: string }; model?: string; to: PortTarget }, PortResult | null, void>('shapelint/port');

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  client = createClient(context);
  context.subscriptions.push(
    vscode.commands.registerCommand('shapelint.restartServer', () => client?.restart()),
    vscode.commands.registerCommand('shapelint.showModelSummary', () => showModelSummary(context)),
    vscode.commands.registerCommand('shapelint.showModel', () => showModel(context)),
    vscode.commands.registerCommand('shapelint.portModel', (uri?: string, model?: string, to?: PortTarget) => portModel(uri, model, to)),
    // Trusting the workspace unlocks `shapelint.path`: restart to honour it.
    vscode.workspace.onDidGrantWorkspaceTrust(() => restart(context)),
    // The diagnostic mode is an initialization option: the server reads it once, at its start.
    vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('shapelint.diagnosticMode') && void restart(context)),
  );
  await client.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}

async function restart(context: vscode.ExtensionContext): Promise<void> {
  await client?.stop();
  client = createClient(context);
  await client.start();
}

function createClient(context: vscode.ExtensionContext): LanguageClient {
  const clientOptions: LanguageClientOptions = {
    // Notebook cells: the server syncs whole notebooks (LSP notebookDocumentSync); this entry
    // sends it the hover, inlay hint, code action and diagnostic requests of Python cells.
    documentSelector: [
      { scheme: 'file', language: 'python' },
      { scheme: 'untitled', language: 'python' },
      { notebook: '*', language: 'python' },
    ],
    synchronize: {
      fileEvents: vscode.workspace.createFileSystemWatcher('**/{pyproject.toml,shapelint.toml,.shapelint.toml,keras.json}'),
    },
    initializationOptions: initializationOptions(),
  };
  return new LanguageClient('shapelint', 'shapelint', serverOptions(context), clientOptions);
}

/**
 * `shapelint.diagnosticMode` (named and defaulted like Pyright's `python.analysis.diagnosticMode`):
 * `workspace` asks the server to push the diagnostics of every closed file of the workspace at start.
 */
function initializationOptions(): { workspaceDiagnostics: boolean } {
  const mode = vscode.workspace.getConfiguration('shapelint').get<string>('diagnosticMode', 'openFilesOnly');
  return { workspaceDiagnostics: mode === 'workspace' };
}

/**
 * The bundled server, unless the user points `shapelint.path` at their own shapelint. That
 * setting is honoured only in trusted workspaces: in Restricted Mode a workspace could
 * otherwise make the editor run any program it ships.
 */
function serverOptions(context: vscode.ExtensionContext): ServerOptions {
  const custom = vscode.workspace.getConfiguration('shapelint').get<string>('path', '');
  if (custom && vscode.workspace.isTrusted) {
    return { command: custom, args: ['server', '--stdio'], transport: TransportKind.stdio };
  }
  const module = context.asAbsolutePath('dist/server.js');
  return {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6010'] } },
  };
}

async function showModelSummary(context: vscode.ExtensionContext): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!client || !editor || editor.document.languageId !== 'python') {
    void vscode.window.showInformationMessage('shapelint: open a Python file with a model first.');
    return;
  }
  const result = await client.sendRequest(ModelSummaryRequest, {
    textDocument: { uri: editor.document.uri.toString() },
    position: editor.selection.active,
  });
  if (!result) {
    void vscode.window.showInformationMessage('shapelint: no model found in this file.');
    return;
  }
  const panel = vscode.window.createWebviewPanel('shapelint.modelSummary', `Model: ${result.name}`, vscode.ViewColumn.Beside, {
    enableScripts: false,
  });
  panel.webview.html = await renderMarkdown(result.markdown);
  context.subscriptions.push(panel);
}

const FRAMEWORK_NAMES: Record<PortTarget, string> = { torch: 'PyTorch', keras: 'Keras', gluon: 'Gluon' };

/**
 * "Port this model to …" (the server's code action passes the document, the model and the
 * target; from the command palette, the active editor's last model and a picked target): the
 * server ports it and the result opens as a new untitled document, which LSP itself cannot open.
 */
async function portModel(uri?: string, model?: string, to?: PortTarget): Promise<void> {
  const target = uri ?? vscode.window.activeTextEditor?.document.uri.toString();
  if (!client || !target) return;
  const picked = to ?? (await pickTarget());
  if (!picked) return;
  const result = await client.sendRequest(PortRequest, { textDocument: { uri: target }, model, to: picked });
  if (!result?.code) {
    void vscode.window.showWarningMessage(`shapelint: cannot port: ${result?.problems[0] ?? 'no model found in this file'}`);
    return;
  }
  const document = await vscode.workspace.openTextDocument({ language: 'python', content: result.code });
  await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.Beside });
  if (result.problems.length) {
    void vscode.window.showWarningMessage(`shapelint: the port of ${result.model} to ${FRAMEWORK_NAMES[picked]} is incomplete: ${result.problems.join('; ')}`);
  }
}

async function pickTarget(): Promise<PortTarget | undefined> {
  const items = (Object.keys(FRAMEWORK_NAMES) as PortTarget[]).map((to) => ({ label: FRAMEWORK_NAMES[to], to }));
  return (await vscode.window.showQuickPick(items, { placeHolder: 'Port the model to' }))?.to;
}

/** How long the diagram waits after the last keystroke before it asks for a new one. */
const REDRAW_DELAY_MS = 300;

/**
 * "Show Model": the layer graph of the model under the cursor in a webview beside the editor.
 * It follows that model (by name) as the code changes, takes its colours from the theme (the
 * SVG uses VS Code's CSS variables), and a click on a layer moves the editor to that line.
 */
async function showModel(context: vscode.ExtensionContext): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!client || !editor || editor.document.languageId !== 'python') {
    void vscode.window.showInformationMessage('shapelint: open a Python file with a model first.');
    return;
  }
  const document = editor.document;
  const first = await requestGraph(document, editor.selection.active);
  if (!first) {
    void vscode.window.showInformationMessage('shapelint: no model found in this file.');
    return;
  }
  const panel = vscode.window.createWebviewPanel('shapelint.model', `Model: ${first.name}`, vscode.ViewColumn.Beside, {
    enableScripts: true,
    localResourceRoots: [],
  });
  panel.webview.html = diagramHtml(first.svg);
  let name = first.name;
  let timer: NodeJS.Timeout | undefined;
  const redraw = async () => {
    const next = await requestGraph(document, undefined, name);
    if (!next) return;
    name = next.name;
    panel.title = `Model: ${name}`;
    void panel.webview.postMessage({ type: 'svg', svg: next.svg });
  };
  const soon = () => {
    clearTimeout(timer);
    timer = setTimeout(() => void redraw(), REDRAW_DELAY_MS);
  };
  const subscriptions = [
    vscode.workspace.onDidChangeTextDocument((e) => e.document === document && soon()),
    vscode.languages.onDidChangeDiagnostics((e) => e.uris.some((u) => u.toString() === document.uri.toString()) && soon()),
    panel.webview.onDidReceiveMessage((m: { type?: string; line?: number }) => {
      if (m.type === 'reveal' && typeof m.line === 'number') void revealLine(document, m.line);
    }),
  ];
  panel.onDidDispose(() => {
    clearTimeout(timer);
    subscriptions.forEach((s) => s.dispose());
  });
  context.subscriptions.push(panel);
}

async function requestGraph(document: vscode.TextDocument, position?: vscode.Position, name?: string): Promise<ModelGraphResult | null> {
  try {
    return (await client?.sendRequest(ModelGraphRequest, { textDocument: { uri: document.uri.toString() }, position, name })) ?? null;
  } catch {
    return null;
  }
}

async function revealLine(document: vscode.TextDocument, line: number): Promise<void> {
  const editor = await vscode.window.showTextDocument(document, vscode.ViewColumn.One);
  const at = new vscode.Position(Math.min(line, document.lineCount - 1), 0);
  editor.selection = new vscode.Selection(at, at);
  editor.revealRange(new vscode.Range(at, at), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}

/** The webview page: the SVG, and a script that swaps in new drawings and reports clicks on layers. */
function diagramHtml(svg: string): string {
  const nonce = [...Array(24)].map(() => Math.floor(Math.random() * 36).toString(36)).join('');
  const csp = `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-${nonce}';">`;
  const script = `
    const vscode = acquireVsCodeApi();
    const root = document.getElementById('diagram');
    window.addEventListener('message', (e) => { if (e.data && e.data.type === 'svg') root.innerHTML = e.data.svg; });
    root.addEventListener('click', (e) => {
      const node = e.target.closest('[data-line]:not([data-line="-1"])');
      if (node) vscode.postMessage({ type: 'reveal', line: Number(node.getAttribute('data-line')) });
    });`;
  return `<!DOCTYPE html><html><head>${csp}<style>body{margin:0;padding:8px;background:var(--vscode-editor-background)}</style></head><body><div id="diagram">${svg}</div><script nonce="${nonce}">${script}</script></body></html>`;
}

/** VS Code's own markdown renderer (sanitised HTML); plain text if it is unavailable. */
async function renderMarkdown(markdown: string): Promise<string> {
  let body: string;
  try {
    body = await vscode.commands.executeCommand<string>('markdown.api.render', markdown);
  } catch {
    body = `<pre>${escapeHtml(markdown)}</pre>`;
  }
  const csp = `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline';">`;
  const style = '<style>table{border-collapse:collapse}td,th{padding:2px 8px;border-bottom:1px solid #8884}</style>';
  return `<!DOCTYPE html><html><head>${csp}${style}</head><body>${body}</body></html>`;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}
