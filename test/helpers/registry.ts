/** Checks shared by the registry tests (input sources, target sinks). */
import assert from 'node:assert/strict';

/** Every entry has a unique name, a one-line doc and hooks, and the test has cases for exactly these names. */
export function assertRegistryCovered(entries: readonly { name: string; doc: string; hooks: readonly unknown[] }[], cases: Record<string, unknown>): void {
  const names = entries.map((s) => s.name);
  assert.equal(new Set(names).size, names.length, 'names are unique');
  for (const s of entries) {
    assert.ok(s.doc.length > 0 && !s.doc.includes('\n'), `${s.name}: one-line doc`);
    assert.ok(s.hooks.length > 0, `${s.name}: hooks`);
  }
  assert.deepEqual([...names].sort(), Object.keys(cases).sort());
}
