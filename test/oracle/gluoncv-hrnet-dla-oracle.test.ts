/**
 * GluonCV's HRNet classifiers and DLA-34 against the same networks built in real PyTorch
 * (test/oracle/gluoncv_hrnet_dla_torch.py): the counts equal the per-layer formulas
 * (test/stubs/gluoncv-hrnet-dla-counts.ts), and at each input size the stub analysed by the
 * engine passes with torch's output shape, or fails where torch fails (the broadcast errors name
 * the same operand shapes). Skipped without the oracle venv, except under CI.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { formatShape } from '../../server/src/engine/index';
import { analyzeWithStub } from '../helpers/stubs';
import { dla34, HRNET_SPECS, hrnet } from '../stubs/gluoncv-hrnet-dla-counts';
import { oraclePython, REPO_ROOT } from './torch-oracle-run';
import { runOracle } from './oracle-cache';

const python = oraclePython();
const missing = 'oracle venv not found: run test/oracle/setup-venv.sh (or set ORACLE_PYTHON)';

interface TorchReport {
  counts: Record<string, number>;
  trainable: Record<string, number>;
  /** [name, size, output shape or the error]. */
  runs: [string, number, number[] | string][];
}

function torchReport(): TorchReport {
  const r = runOracle(python!, [path.join(REPO_ROOT, 'test', 'oracle', 'gluoncv_hrnet_dla_torch.py')], { encoding: 'utf8', timeout: 280_000 });
  assert.equal(r.status, 0, r.stderr.slice(-2000));
  return JSON.parse(r.stdout) as TorchReport;
}

describe('gluoncv HRNet and DLA-34 stubs: real PyTorch', { skip: !python && !process.env.CI ? missing : false }, () => {
  it('counts and accepted input sizes agree', { timeout: 600_000 }, async () => {
    assert.ok(python, missing);
    const report = torchReport();
    const formula = (name: string, perBn: number) => (name === 'dla34' ? dla34(1000, perBn) : hrnet(HRNET_SPECS[name], 1000, perBn));
    for (const name of Object.keys(report.counts)) {
      assert.equal(report.counts[name], formula(name, 4), `${name} with running statistics`);
      assert.equal(report.trainable[name], formula(name, 2), `${name} trainable`);
    }
    for (const [name, size, torchOut] of report.runs) {
      const module = name === 'dla34' ? 'gluoncv.model_zoo.dla' : 'gluoncv.model_zoo.hrnet';
      const snippet = `import mxnet as mx\nnet = ${name}()\nout = net(mx.nd.zeros((2, 3, ${size}, ${size})))\n`;
      const { program, result } = await analyzeWithStub(module, snippet);
      const messages = result.diagnostics.map((d) => d.message);
      if (Array.isArray(torchOut)) {
        assert.deepEqual(messages, [], `${name} at ${size}`);
        const out = result.tensors.find((t) => t.name === 'out' && t.range.start >= program.snippetStart);
        assert.equal(out && formatShape(out.shape), `(${torchOut.join(', ')})`, `${name} at ${size}`);
      } else {
        assert.equal(messages.length, 1, `${name} at ${size}: torch raised ${torchOut}; the engine said ${JSON.stringify(messages)}`);
        // A broadcast error names the operands' shapes as MXNet does; torch's other errors (a pool window larger than its map) only say the size fails.
        if (!torchOut.startsWith('error:')) assert.ok(messages[0].endsWith(torchOut), `${name} at ${size}: ${messages[0]} vs ${torchOut}`);
      }
    }
  });
});
