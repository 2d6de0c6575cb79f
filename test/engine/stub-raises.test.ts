/**
 * The stub-raise mechanism (interp/stub-raises.ts): a raise in library stub code reached on a
 * path whose conditions are all known is an invalid-argument error at the user's call, with
 * the raise's own formatted message; any unknown condition, a `try` around it, or a raise in
 * the user's own code says nothing.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze, lineOf } from '../helpers/engine';

/** A small stub in the style of the library stubs: checks, then a value. */
const STUB = `import os
import torch

def check(size, weights="imagenet", min_size=32):
    if not (weights in ("imagenet", None) or os.path.exists(weights)):
        raise ValueError(f"weights={weights}")
    if size[0] < min_size:
        raise ValueError("Input size must be at least " f"{min_size}x{min_size}; Received: " f"input_shape={size}")
    assert size[-1] == 3, f"channels {size[-1]!r} of {size!r}, eps {1e-5} {0.5} {'a'!r} {[1, None]} {(7,)}"
    torch._assert(size[1] % 2 == 0, "odd width")
    for step in range(len(size) - 3):
        raise ValueError("rank")
    return size

def Net(input_shape=None, weights="imagenet"):
    check(input_shape, weights)
    return 1
`;

async function reported(snippet: string): Promise<{ line: number; message: string }[]> {
  const text = STUB + snippet;
  const result = await analyze(text, { stubCodeEnd: STUB.length });
  assert.equal(result.internalError, undefined, result.internalError);
  const base = lineOf(text, STUB.length) - 1;
  return result.diagnostics.map((d) => {
    assert.ok(d.range.start >= STUB.length, `diagnostic inside the stub: ${d.message}`);
    assert.equal(d.rule, 'invalid-argument');
    return { line: lineOf(text, d.range.start) - base, message: d.message };
  });
}

describe('raises in stub code', () => {
  it('a known failing check is reported at the call, with the formatted message', async () => {
    assert.deepEqual(await reported('a = Net((16, 16, 3))\n'), [
      { line: 1, message: 'Input size must be at least 32x32; Received: input_shape=(16, 16, 3)' },
    ]);
  });

  it('asserts and torch._assert format their messages as Python would', async () => {
    assert.deepEqual(await reported('b = Net((64, 64, 4))\nc = Net((64, 63, 3))\n'), [
      { line: 1, message: "channels 4 of (64, 64, 4), eps 1e-05 0.5 'a' [1, None] (7,)" },
      { line: 2, message: 'odd width' },
    ]);
  });

  it('is reported at the nearest call in user code', async () => {
    assert.deepEqual(await reported('def build(shape):\n    return Net(shape)\n\nd = build((8, 8, 3))\n'), [
      { line: 2, message: 'Input size must be at least 32x32; Received: input_shape=(8, 8, 3)' },
    ]);
  });

  it('passing checks and known loops without iterations say nothing', async () => {
    assert.deepEqual(await reported('ok = Net((64, 64, 3))\nok2 = Net((64, 64, 3), weights=None)\n'), []);
  });

  it('a known raise inside a loop over known items is reported', async () => {
    assert.deepEqual(await reported('r = Net((64, 64, 64, 3))\n'), [{ line: 1, message: 'rank' }]);
  });

  it('stays silent when a condition on the way is unknown', async () => {
    const snippet = [
      'import sys',
      'n = int(sys.argv[1])',
      'a = Net((n, n, 3))', // size unknown
      'b = Net(shape_from_elsewhere)', // argument unknown
      'c = Net((64, 64, 3), weights=sys.argv[2])', // weights unknown: os.path.exists is unknown
      'd = Net((n, 64, 3), weights="other")', // the weights check itself is unknown
      '',
    ].join('\n');
    assert.deepEqual(await reported(snippet), []);
  });

  it('stays silent when a try may catch it', async () => {
    assert.deepEqual(await reported('try:\n    a = Net((8, 8, 3))\nexcept ValueError:\n    a = None\n'), []);
  });

  it('raises in the user\'s own code change nothing', async () => {
    const text = 'def f(x):\n    if x < 3:\n        raise ValueError(f"small {x}")\n    return x\n\ny = f(1)\n';
    const result = await analyze(text, { stubCodeEnd: 0 });
    assert.deepEqual(result.diagnostics, []);
  });

  it('the value of a call that raised is unknown, so nothing downstream is guessed', async () => {
    const snippet = 'a = Net((8, 8, 3))\nb = a + "x"\n';
    assert.equal((await reported(snippet)).length, 1);
  });
});
