/**
 * The `workspaceDiagnostics` initialization option: at startup the server pushes the diagnostics
 * of every closed file of the workspace, from the result cache `shapelint check` shares when a
 * file and every module its result looked up are unchanged. A changed module makes its
 * importers' entries misses; a corrupt or forged cache entry is a miss, never a crash or a
 * diagnostic.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { Diagnostic } from 'vscode-languageserver-protocol/node';
import { runCli } from '../../server/src/cli/main';
import { TestClient } from './harness';

const NETS = 'import torch.nn as nn\n\n\ndef make():\n    return nn.Linear(4, 5)\n';
const TRAIN = 'import torch\n\nfrom nets import make\n\nlayer = make()\nlayer(torch.randn(2, 6))\n';
const CLEAN = 'import torch\n\nx = torch.nn.Linear(3, 2)(torch.randn(1, 3))\n';

interface Startup {
  analysed: number;
  fromCache: number;
  /** The last diagnostics pushed per file name. */
  pushed: Map<string, Diagnostic[]>;
}

/** Starts the server on `root` with the workspace pass, waits for its log line, and stops it. */
async function startup(root: string, cacheHome: string): Promise<Startup> {
  const { client } = await TestClient.start({ pull: false, settings: () => ({}), rootUri: pathToFileURL(root).href, initializationOptions: { workspaceDiagnostics: true }, env: { XDG_CACHE_HOME: cacheHome } });
  try {
    const deadline = Date.now() + 120_000;
    let line: RegExpExecArray | null = null;
    while (!line && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
      for (const n of client.notifications) {
        const m = n.method === 'window/logMessage' ? /workspace diagnostics of (\d+) closed files \((\d+) from the cache\)/.exec((n.params as { message: string }).message) : null;
        line ??= m;
      }
    }
    assert.ok(line, 'the workspace pass ended');
    const pushed = new Map<string, Diagnostic[]>();
    for (const n of client.notifications) {
      if (n.method !== 'textDocument/publishDiagnostics') continue;
      const p = n.params as { uri: string; diagnostics: Diagnostic[] };
      pushed.set(path.basename(p.uri), p.diagnostics);
    }
    assert.deepEqual(client.unexpected(['textDocument/publishDiagnostics', 'window/logMessage']), []);
    return { analysed: Number(line[1]), fromCache: Number(line[2]), pushed };
  } finally {
    await client.stop();
  }
}

const codes = (s: Startup, file: string) => (s.pushed.get(file) ?? []).map((d) => d.code);

test('closed files’ diagnostics at startup, from the cache when nothing they read changed', { timeout: 600_000 }, async () => {
  const root = realpathSync(mkdtempSync(path.join(tmpdir(), 'shapelint-workspace-')));
  const cacheHome = path.join(root, '..', `${path.basename(root)}-cache`);
  try {
    writeFileSync(path.join(root, 'pyproject.toml'), '');
    writeFileSync(path.join(root, 'nets.py'), NETS);
    writeFileSync(path.join(root, 'train.py'), TRAIN);
    writeFileSync(path.join(root, 'clean.py'), CLEAN);

    const cold = await startup(root, cacheHome);
    assert.deepEqual([cold.analysed, cold.fromCache], [3, 0]);
    assert.deepEqual(codes(cold, 'train.py'), ['SL003'], JSON.stringify([...cold.pushed]));
    const warm = await startup(root, cacheHome);
    assert.deepEqual([warm.analysed, warm.fromCache], [3, 3]);
    assert.deepEqual(warm.pushed, cold.pushed);

    // nets.py changes on disk: its own entry and train.py's (which looked it up) are misses.
    writeFileSync(path.join(root, 'nets.py'), NETS.replace('Linear(4', 'Linear(6'));
    const edited = await startup(root, cacheHome);
    assert.deepEqual([edited.analysed, edited.fromCache], [3, 1]);
    assert.deepEqual(codes(edited, 'train.py'), []);

    // Every entry corrupted, or forged with an injected diagnostic: all misses, the same diagnostics as fresh.
    const entries = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? entries(path.join(dir, e.name)) : [path.join(dir, e.name)]));
    const files = entries(path.join(cacheHome, 'shapelint'));
    assert.ok(files.length >= 3, `${files.length} entries`);
    files.forEach((f, i) => {
      const forged = { format: 'shapelint-cache', version: 3, key: path.basename(f, '.json'), mac: '0'.repeat(64), result: JSON.stringify({ diagnostics: [{ code: 'SL999', rule: 'x', severity: 'error', message: 'injected', explanation: [], range: { start: 0, end: 1 }, related: [], fixes: [] }], syntaxErrors: [], truncated: false }) };
      writeFileSync(f, i % 2 ? '{"format": "shapelint-cache", "version": 3, "key": [' : JSON.stringify(forged));
    });
    const forged = await startup(root, cacheHome);
    assert.deepEqual([forged.analysed, forged.fromCache], [3, 0]);
    assert.deepEqual(forged.pushed, edited.pushed);

    // A cache `shapelint check` filled serves the server.
    rmSync(cacheHome, { recursive: true, force: true });
    mkdirSync(cacheHome);
    await runCli(['check', '--output-format', 'concise', '.'], { cwd: root, env: { ...process.env, XDG_CACHE_HOME: cacheHome }, stdout: () => undefined, stderr: () => undefined });
    const afterCli = await startup(root, cacheHome);
    assert.deepEqual([afterCli.analysed, afterCli.fromCache], [3, 3]);
  } finally {
    rmSync(root, { recursive: true, force: true });
    rmSync(cacheHome, { recursive: true, force: true });
  }
});
