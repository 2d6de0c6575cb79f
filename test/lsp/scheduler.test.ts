/** Bursts of edits are coalesced, but the first analysis after a quiet period is not delayed. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { BurstScheduler } from '../../server/src/lsp/scheduler';

test('the first change runs on the next turn; a burst runs at most once per interval and always runs last', async () => {
  const runs: number[] = [];
  const s = new BurstScheduler(100, () => runs.push(Date.now()));
  const start = Date.now();
  s.schedule('a');
  // The next turn: an immediate queued after it runs after it (a timer could fire first on a loaded machine).
  await new Promise((r) => setImmediate(r));
  assert.equal(runs.length, 1);
  assert.ok(runs[0] - start < 50, 'first run immediate');
  for (let i = 0; i < 50; i++) s.schedule('a');
  assert.equal(runs.length, 1, 'burst coalesced');
  await new Promise((r) => setTimeout(r, 150));
  assert.equal(runs.length, 2, 'trailing run for the burst');
  assert.ok(runs[1] - runs[0] >= 95);
  s.dispose();
});

test('documents are scheduled independently and cancel drops a pending run', async () => {
  const runs: string[] = [];
  const s = new BurstScheduler(100, (uri) => runs.push(uri));
  s.schedule('a');
  s.schedule('b');
  s.cancel('b');
  await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(runs, ['a']);
  s.dispose();
});
