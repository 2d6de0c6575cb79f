/** `npm run fuzz [N]`: runs N seeded mutated inputs and reports crashes, hangs and the slowest input. */
import { writeFileSync } from 'node:fs';
import { analyze } from '../helpers/engine';
import { seedTexts } from '../helpers/corpus';
import { fuzzInputs } from './mutate';

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 100_000);
  const seed = Number(process.argv[3] ?? 1234);
  let crashes = 0;
  let internal = 0;
  let hangs = 0;
  let slowest = { ms: 0, index: -1, text: '' };
  const t0 = performance.now();
  let i = 0;
  for (const input of fuzzInputs(seedTexts(), count, seed)) {
    const s = performance.now();
    try {
      const r = await analyze(input.text);
      if (r.internalError) {
        internal++;
        if (internal <= 3) console.log(`internal error #${i}: ${r.internalError.split('\n')[0]}`);
      }
    } catch (e) {
      crashes++;
      if (crashes <= 3) console.log(`crash #${i}: ${(e as Error).message}`);
    }
    const ms = performance.now() - s;
    if (ms > 10_000) hangs++;
    if (ms > slowest.ms) slowest = { ms, index: i, text: input.text };
    i++;
    if (i % 10_000 === 0) console.log(`${i} inputs, ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  const total = (performance.now() - t0) / 1000;
  console.log(`inputs: ${i}  crashes: ${crashes}  internal errors: ${internal}  hangs (>10 s): ${hangs}`);
  console.log(`total ${total.toFixed(1)} s, ${(i / total).toFixed(0)} inputs/s; slowest #${slowest.index}: ${slowest.ms.toFixed(1)} ms`);
  writeFileSync('fuzz-slowest.py', slowest.text);
  console.log('slowest input written to fuzz-slowest.py');
  process.exitCode = crashes + internal + hangs > 0 ? 1 : 0;
}

void main();
