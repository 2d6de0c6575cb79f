/**
 * An edited module's dependents are analysed in one request to the analysis process
 * (`Analyzer`, lsp/analysis.ts). Another edit of the module while that request runs cancels it:
 * the items not finished reply `cancelled`, and every waiter gets the analysis of the latest text.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { IsolatedProcess } from '../../server/src/host/isolated-process';
import { Analyzer } from '../../server/src/lsp/analysis';
import type { AnalysisRequest, LintManyReply } from '../../server/src/lsp/analysis-process';
import { DocumentStore } from '../../server/src/lsp/documents';
import { ProjectConfig } from '../../server/src/lsp/project-config';
import { SettingsCache } from '../../server/src/lsp/settings';

/** A module whose `make()` builds a deep model: each dependent's analysis takes a while. The error of a width other than 8 is located in it. */
const moduleText = (width: number) => `import torch.nn as nn\n\n\ndef make():\n    return nn.Sequential(nn.Linear(${width}, 8), *[nn.Linear(8, 8) for _ in range(40)])\n`;
/** Each statement calls `make()` (so each re-runs after an edit of the module). */
const DEPENDENT = `import torch\n\nfrom blocks import make\n\n${Array.from({ length: 40 }, (_, k) => `o${k} = make()(torch.randn(${k + 1}, 8))\n`).join('')}`;

test('an edit of a module while its dependents are analysed cancels the stale request; every waiter gets the latest text’s analysis', { timeout: 600_000 }, async () => {
  const root = realpathSync(mkdtempSync(path.join(tmpdir(), 'shapelint-batch-cancel-')));
  const docs = new DocumentStore();
  const analyzer = new Analyzer(docs, new SettingsCache(() => Promise.resolve({})), new ProjectConfig(() => root, () => undefined), () => undefined);
  try {
    writeFileSync(path.join(root, 'pyproject.toml'), '');
    const moduleFile = path.join(root, 'blocks.py');
    writeFileSync(moduleFile, moduleText(8));
    const moduleUri = pathToFileURL(moduleFile).href;
    docs.open(moduleUri, 'python', 1, moduleText(8));
    const dependents = [0, 1, 2].map((i) => {
      const file = path.join(root, `d${i}.py`);
      writeFileSync(file, DEPENDENT);
      const uri = pathToFileURL(file).href;
      docs.open(uri, 'python', 1, DEPENDENT);
      return uri;
    });
    const first = await Promise.all(dependents.map((d) => analyzer.analyse(d)));
    assert.ok(first.every((a) => a?.imports.includes(moduleFile) && !a.foreign.size));

    // Watch the batches sent to the analysis process and their replies.
    const worker = (analyzer as unknown as { worker: IsolatedProcess }).worker;
    const request = worker.request.bind(worker);
    const batches: Promise<LintManyReply>[] = [];
    let sent!: () => void;
    const batchSent = new Promise<void>((resolve) => (sent = resolve));
    worker.request = <T>(r: unknown, timeoutMs?: number) => {
      const reply = request<T>(r, timeoutMs);
      if ((r as AnalysisRequest).kind === 'lintMany') {
        batches.push(reply as Promise<LintManyReply>);
        sent();
      }
      return reply;
    };

    // What the server does on an edit of the module: its open dependents are analysed again.
    const edit = (version: number, width: number) => {
      docs.open(moduleUri, 'python', version, moduleText(width));
      analyzer.moduleEdited(moduleFile);
      for (const d of dependents) analyzer.invalidate(d);
      return dependents.map((d) => analyzer.analyse(d));
    };
    // Version 2 breaks every call (the first layer wants 9 features); version 3 wants 7.
    const stale = edit(2, 9);
    await batchSent;
    await new Promise((r) => setTimeout(r, 100));
    const latest = edit(3, 7);
    for (const a of [...(await Promise.all(stale)), ...(await Promise.all(latest))]) {
      // The failing layer is the module's: the error is shown there.
      const errors = a?.foreign.get(moduleUri) ?? [];
      assert.ok(errors.length > 0, a?.uri);
      assert.ok(errors.every((d) => /\b7\b/.test(d.message)), errors[0]?.message);
    }
    // The first batch (version 2) stopped: its unfinished items replied `cancelled`.
    const replies = (await batches[0]).replies;
    assert.ok(replies.some((r) => 'cancelled' in r), JSON.stringify(replies.map((r) => Object.keys(r))));
  } finally {
    analyzer.dispose();
    rmSync(root, { recursive: true, force: true });
  }
});
