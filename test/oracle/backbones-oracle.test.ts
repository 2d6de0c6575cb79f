/**
 * The PyTorch and Keras backbone fixtures (test/fixtures/backbones) run in the real frameworks:
 * a clean fixture runs, a fixture with an `# error:` line raises (with the framework's words the
 * line quotes), and each `# params:` line's model has that many parameters in the framework.
 * Gluon's fixtures are checked by the engine alone (MXNet does not install here).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { parseExpectations } from '../helpers/expectations';
import { backboneFixtures, BACKBONES } from '../helpers/backbones';
import { KERAS_PYTHON, kerasVenvMissing, REPO_ROOT } from './keras-oracle-run';
import { runOracle } from './oracle-cache';

interface Outcome { file: string; raised: boolean; error?: string; trace?: string; params: Record<string, number>; trainable?: Record<string, number> }

test('backbone fixtures run (or raise) in real PyTorch and Keras with the parameter counts shapelint gives', { skip: kerasVenvMissing() ?? false, timeout: 600_000 }, () => {
  const files = backboneFixtures().filter((f) => !f.includes(`${path.sep}gluon${path.sep}`));
  const cases = files.map((file) => {
    const text = readFileSync(file, 'utf8');
    const lines = text.split('\n');
    const exp = parseExpectations(text);
    const variables = exp.params.map((p) => /^\s*(\w+)\s*=/.exec(lines[p.line - 1])![1]);
    return { file, variables, exp };
  });
  const res = runOracle(KERAS_PYTHON, [path.join(REPO_ROOT, 'test', 'oracle', 'backbones_oracle.py')], {
    input: JSON.stringify(cases.map(({ file, variables }) => ({ file, variables }))), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 600_000,
    env: { ...process.env, KERAS_BACKEND: 'tensorflow', TF_CPP_MIN_LOG_LEVEL: '3' },
  });
  assert.equal(res.status, 0, res.stderr?.slice(-2000));
  const outcomes = (JSON.parse(res.stdout) as { results: Outcome[] }).results;
  const failures: string[] = [];
  cases.forEach(({ file, variables, exp }, i) => {
    try {
      judge(file, variables, exp, outcomes[i]);
    } catch (e) {
      failures.push((e as Error).message);
    }
  });
  assert.deepEqual(failures, []);
});

function judge(file: string, variables: string[], exp: ReturnType<typeof parseExpectations>, o: Outcome): void {
  const lines = readFileSync(file, 'utf8').split('\n');
  {
    const name = path.relative(BACKBONES, file);
    const errors = exp.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length === 0) {
      assert.equal(o.raised, false, `${name} raised in the framework: ${o.error}\n${o.trace}`);
      variables.forEach((v, k) => {
        assert.equal(o.params[v], exp.params[k].count, `${name}: ${v}`);
        const trainable = /#\s*params:.*\btrainable:\s*(\d+)/.exec(lines[exp.params[k].line - 1]);
        if (trainable) assert.equal(o.trainable?.[v], Number(trainable[1]), `${name}: trainable parameters of ${v}`);
      });
      return;
    }
    assert.equal(o.raised, true, `${name} ran in the framework, shapelint reports an error`);
    // The fragments quote the framework; Keras 3 squeezes a trailing 1 in its message, so only the expected part is compared.
    for (const f of errors.flatMap((e) => e.fragments)) assert.ok(o.error!.includes(f), `${name}: the framework says ${o.error}, not ${f}`);
  }
}
