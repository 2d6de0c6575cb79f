/**
 * Drives the language server over a real stdio connection, as an editor would, and records
 * everything the server sends so tests can assert nothing unexpected arrived.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { readFileSync } from 'node:fs';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type ClientCapabilities,
  type Diagnostic,
  type InitializeResult,
  type ProtocolConnection,
  type TextDocumentContentChangeEvent,
} from 'vscode-languageserver-protocol/node';

/** Compiled layout: out/test/lsp/harness.js → repository root is three levels up. */
export const REPO_ROOT = path.join(__dirname, '..', '..', '..');
export const SERVER_MAIN = path.join(REPO_ROOT, 'out', 'server', 'src', 'lsp', 'main.js');
export const EXAMPLES = path.join(REPO_ROOT, 'examples');

export function exampleUri(name: string): string {
  return pathToFileURL(path.join(EXAMPLES, name)).href;
}

export function exampleText(name: string): string {
  return readFileSync(path.join(EXAMPLES, name), 'utf8');
}

interface StarHandlers {
  onNotification(handler: (method: string, params: unknown) => void): void;
  onRequest(handler: (method: string, params: unknown) => unknown): void;
}

export interface Sent {
  method: string;
  params: unknown;
}

export interface ClientOptions {
  /** Advertise pull diagnostics (`textDocument.diagnostic`). */
  pull: boolean;
  /** Answer to `workspace/configuration` for section `shapelint`; omitted means the client lacks it. */
  settings?: (scopeUri: string | undefined) => unknown;
  rootUri?: string | null;
  initializationOptions?: unknown;
  /** Variables added to the server's environment. */
  env?: NodeJS.ProcessEnv;
}

export class TestClient {
  readonly notifications: Sent[] = [];
  readonly requests: Sent[] = [];
  stderr = '';
  private versions = new Map<string, number>();
  private exited: Promise<number | null>;

  private constructor(
    readonly proc: ChildProcess,
    readonly connection: ProtocolConnection,
    private readonly options: ClientOptions,
  ) {
    proc.stderr!.on('data', (b: Buffer) => (this.stderr += b.toString()));
    this.exited = new Promise((resolve) => proc.on('exit', (code) => resolve(code)));
    // The runtime connection accepts catch-all handlers; the protocol typings omit them.
    const star = connection as unknown as StarHandlers;
    star.onNotification((method, params) => {
      this.notifications.push({ method, params });
      this.waiters = this.waiters.filter((w) => !w(method, params));
    });
    star.onRequest((method, params) => {
      this.requests.push({ method, params });
      if (method === 'workspace/configuration') {
        const items = (params as { items: { scopeUri?: string; section?: string }[] }).items;
        return items.map((i) => options.settings?.(i.scopeUri) ?? null);
      }
      return null; // registerCapability, refresh requests: acknowledge.
    });
    connection.listen();
  }

  /** Spawns the server and completes the initialize handshake. */
  static async start(options: ClientOptions): Promise<{ client: TestClient; init: InitializeResult }> {
    const proc = spawn(process.execPath, [SERVER_MAIN, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...options.env } });
    const connection = createProtocolConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
    const client = new TestClient(proc, connection, options);
    const initialize = connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: options.rootUri === undefined ? pathToFileURL(REPO_ROOT).href : options.rootUri,
      capabilities: client.capabilities(),
      initializationOptions: options.initializationOptions,
    }) as Promise<InitializeResult>;
    // A server that dies while starting must fail the test, not leave it waiting.
    const died = client.exited.then((code) => {
      throw new Error(`server exited (${code}) during initialize:\n${client.stderr}`);
    });
    const init = await withTimeout(Promise.race([initialize, died]), 15_000).catch((e) => {
      client.kill();
      throw e;
    });
    await connection.sendNotification('initialized', {});
    return { client, init };
  }

  private capabilities(): ClientCapabilities {
    const caps: ClientCapabilities = {
      workspace: {
        configuration: this.options.settings !== undefined,
        didChangeConfiguration: { dynamicRegistration: true },
        didChangeWatchedFiles: { dynamicRegistration: true },
        diagnostics: { refreshSupport: true },
        inlayHint: { refreshSupport: true },
      },
      textDocument: {
        synchronization: { dynamicRegistration: false },
        publishDiagnostics: { relatedInformation: true, versionSupport: true, codeDescriptionSupport: true, dataSupport: true },
        hover: { contentFormat: ['markdown', 'plaintext'] },
        codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source', 'source.fixAll'] } } },
        inlayHint: {},
      },
    };
    if (this.options.pull) caps.textDocument!.diagnostic = { dynamicRegistration: false, relatedDocumentSupport: false };
    return caps;
  }

  async open(uri: string, text: string, languageId = 'python'): Promise<void> {
    this.versions.set(uri, 1);
    await this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
  }

  async change(uri: string, changes: TextDocumentContentChangeEvent[]): Promise<number> {
    const version = (this.versions.get(uri) ?? 0) + 1;
    this.versions.set(uri, version);
    await this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: changes });
    return version;
  }

  async close(uri: string): Promise<void> {
    await this.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }

  version(uri: string): number {
    return this.versions.get(uri) ?? 0;
  }

  async pullDiagnostics(uri: string): Promise<Diagnostic[]> {
    const report = (await this.connection.sendRequest('textDocument/diagnostic', { textDocument: { uri } })) as {
      kind: string;
      items?: Diagnostic[];
    };
    if (report.kind !== 'full') throw new Error(`expected a full report, got ${report.kind}`);
    return report.items ?? [];
  }

  private waiters: ((method: string, params: unknown) => boolean)[] = [];

  /** Resolves with the first pushed diagnostics for `uri` at `version` (or any, if omitted). */
  waitForPush(uri: string, version?: number, timeoutMs = 10_000): Promise<Diagnostic[]> {
    const seen = this.notifications.find((n) => matchesPush(n, uri, version));
    if (seen) return Promise.resolve((seen.params as { diagnostics: Diagnostic[] }).diagnostics);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no diagnostics pushed for ${uri} v${version}`)), timeoutMs);
      this.waiters.push((method, params) => {
        if (!matchesPush({ method, params }, uri, version)) return false;
        clearTimeout(timer);
        resolve((params as { diagnostics: Diagnostic[] }).diagnostics);
        return true;
      });
    });
  }

  /** Shutdown + exit; kills the process if it does not leave by itself. Always call in `finally`. */
  async stop(): Promise<number | null> {
    try {
      await withTimeout(this.connection.sendRequest('shutdown'), 5_000);
      await this.connection.sendNotification('exit');
      return await withTimeout(this.exited, 5_000);
    } catch {
      return null;
    } finally {
      this.kill();
    }
  }

  kill(): void {
    this.connection.dispose();
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill('SIGKILL');
  }

  /** Notifications other than the expected kinds, and any error logged by the server. */
  unexpected(allowed: string[]): Sent[] {
    return this.notifications.filter((n) => {
      if (n.method === 'window/logMessage') return (n.params as { type: number }).type === 1;
      return !allowed.includes(n.method);
    });
  }
}

function matchesPush(n: Sent, uri: string, version: number | undefined): boolean {
  if (n.method !== 'textDocument/publishDiagnostics') return false;
  const p = n.params as { uri: string; version?: number };
  return p.uri === uri && (version === undefined || p.version === version);
}

export function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    p.then(
      (v) => (clearTimeout(t), resolve(v)),
      (e) => (clearTimeout(t), reject(e)),
    );
  });
}

/** Offset → LSP position, computed independently of the server's LineIndex (\n, \r\n, \r). */
export function positionAt(text: string, offset: number): { line: number; character: number } {
  let line = 0;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, character: offset - lineStart };
}

/** Applies LSP text edits (non-overlapping, all relative to `text`). */
export function applyLspEdits(text: string, edits: { range: { start: Pos; end: Pos }; newText: string }[]): string {
  const withOffsets = edits
    .map((e) => ({ start: offsetAt(text, e.range.start), end: offsetAt(text, e.range.end), newText: e.newText }))
    .sort((a, b) => b.start - a.start);
  let out = text;
  for (const e of withOffsets) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}

interface Pos {
  line: number;
  character: number;
}

export function offsetAt(text: string, pos: Pos): number {
  let line = 0;
  let i = 0;
  while (line < pos.line && i < text.length) {
    const c = text.charCodeAt(i++);
    if (c === 10 || (c === 13 && text.charCodeAt(i) !== 10)) line++;
  }
  return i + pos.character;
}
