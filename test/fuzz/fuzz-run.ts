/**
 * `npm run fuzz [N] [SEED]`: runs N seeded inputs with the host's clock, three in four mutated
 * fixtures (default budgets) and one in four generated interpreter programs (a step budget of
 * 200,000, as in CI, so that 100,000 inputs take minutes, not hours), and reports crashes,
 * internal errors, hangs, false alarms on the (correct) generated programs, and the slowest
 * input of each kind.
 */
import { writeFileSync } from 'node:fs';
import { analyze } from '../helpers/engine';
import { seedTexts } from '../helpers/corpus';
import { fuzzInputs } from './mutate';
import { programInputs } from './programs';

interface Tally {
  count: number;
  crashes: number;
  internal: number;
  hangs: number;
  truncated: number;
  falseAlarms: number;
  slowest: { ms: number; index: number; text: string };
}

const HANG_MS = 10_000;

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 100_000);
  const seed = Number(process.argv[3] ?? 1234);
  const tallies = { mutated: newTally(), program: newTally() };
  const mutated = fuzzInputs(seedTexts(), count, seed);
  const programs = programInputs(count, seed);
  const t0 = performance.now();
  for (let i = 0; i < count; i++) {
    const kind = i % 4 === 3 ? 'program' : 'mutated';
    const next = kind === 'mutated' ? mutated.next() : programs.next();
    if (next.done) continue;
    await runOne(next.value.text, i, tallies[kind], kind === 'program');
    if ((i + 1) % 10_000 === 0) console.log(`${i + 1} inputs, ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  const total = (performance.now() - t0) / 1000;
  let failures = 0;
  for (const [kind, t] of Object.entries(tallies)) {
    console.log(
      `${kind}: ${t.count} inputs  crashes: ${t.crashes}  internal errors: ${t.internal}  hangs (>10 s): ${t.hangs}  ` +
        `false alarms: ${t.falseAlarms}  stopped by a budget: ${t.truncated}  slowest #${t.slowest.index}: ${t.slowest.ms.toFixed(1)} ms`,
    );
    writeFileSync(`fuzz-slowest-${kind}.py`, t.slowest.text);
    failures += t.crashes + t.internal + t.hangs + t.falseAlarms;
  }
  console.log(`total ${total.toFixed(1)} s, ${(count / total).toFixed(0)} inputs/s; slowest inputs written to fuzz-slowest-*.py`);
  process.exitCode = failures > 0 ? 1 : 0;
}

async function runOne(text: string, index: number, t: Tally, mustBeSilent: boolean): Promise<void> {
  const s = performance.now();
  try {
    const r = await analyze(text, { clock: () => performance.now(), budgets: mustBeSilent ? { steps: 200_000 } : undefined });
    if (r.internalError && ++t.internal <= 3) console.log(`internal error #${index}: ${r.internalError.split('\n')[0]}`);
    if (r.truncated) t.truncated++;
    if (mustBeSilent && r.diagnostics.some((d) => d.rule !== 'analysis-incomplete') && ++t.falseAlarms <= 3) {
      console.log(`false alarm #${index}: ${r.diagnostics[0].message}\n${text}`);
    }
  } catch (e) {
    if (++t.crashes <= 3) console.log(`crash #${index}: ${(e as Error).message}`);
  }
  const ms = performance.now() - s;
  t.count++;
  if (ms > HANG_MS) t.hangs++;
  if (ms > t.slowest.ms) t.slowest = { ms, index, text };
}

function newTally(): Tally {
  return { count: 0, crashes: 0, internal: 0, hangs: 0, truncated: 0, falseAlarms: 0, slowest: { ms: 0, index: -1, text: '' } };
}

void main();
