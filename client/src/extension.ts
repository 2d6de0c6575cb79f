/**
 * The shapelint VS Code extension: starts the bundled language server (over IPC) for Python
 * files and Jupyter notebooks, and adds two commands. All analysis happens in the server; this file only wires it.
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

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  client = createClient(context);
  context.subscriptions.push(
    vscode.commands.registerCommand('shapelint.restartServer', () => client?.restart()),
    vscode.commands.registerCommand('shapelint.showModelSummary', () => showModelSummary(context)),
    // Trusting the workspace unlocks `shapelint.path`: restart to honour it.
    vscode.workspace.onDidGrantWorkspaceTrust(() => restart(context)),
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
  };
  return new LanguageClient('shapelint', 'shapelint', serverOptions(context), clientOptions);
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
