/**
 * The reach report of `npm run bench`: on the reach corpus (test/fixtures/reach: training
 * scripts in the styles of the frameworks' example repositories), how much shapelint follows.
 *  - layers: every layer application of every model summary, and those whose output shape is
 *    fully known (closed rank, every dim a size or the batch);
 *  - loss and fit calls: the call sites in the text (loss objects called, `F.<loss>(...)`,
 *    `.fit/.evaluate/.train_on_batch/.test_on_batch(...)`), and those a target sink could decide
 *    (both shapes known: `onTargetCheck` reported them checked).
 * Each file is analysed as `shapelint check` analyses it: following its imports of project
 * modules and library stubs, so a script counts the layers of the model it imports and builds
 * (`elsewhere`). Nothing is asserted.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { analyzeText, type PythonParser } from '../../server/src/engine/index';
import { fileModuleProvider, projectSpecFor } from '../../server/src/host/project';
import type { LayerApplication } from '../../server/src/engine/types';
import { pythonFiles } from '../helpers/corpus';
import { FIXTURES } from '../helpers/paths';

const TORCH_FUNCTIONAL = /\bF\.(?:cross_entropy|nll_loss|binary_cross_entropy(?:_with_logits)?|mse_loss|l1_loss|smooth_l1_loss|huber_loss|kl_div)\(/;
const FIT = /\.(?:fit|evaluate|train_on_batch|test_on_batch)\(/;
const LOSS_OBJECT = /^\s*([\w.]+)\s*=\s*(?:[\w.]+\.)?[A-Z]\w*(?:Loss|Crossentropy|Error)\(/;

/** Lines (1-based) of the loss and fit calls a reader of the script would point at. */
export function lossAndFitLines(text: string): number[] {
  const lines = text.split('\n');
  const lossNames = lines.flatMap((l) => LOSS_OBJECT.exec(l)?.[1] ?? []);
  const called = lossNames.map((n) => new RegExp(`(?<![\\w.])${n.replace(/\./g, '\\.')}\\(`));
  return lines.flatMap((l, i) => {
    if (LOSS_OBJECT.test(l) || /^\s*(?:def|class|#)/.test(l)) return [];
    return TORCH_FUNCTIONAL.test(l) || FIT.test(l) || called.some((re) => re.test(l)) ? [i + 1] : [];
  });
}

function fullyKnown(app: LayerApplication): boolean {
  const s = app.outputShape;
  return !!s && !s.open && s.dims.every((d) => d !== null);
}

export interface ReachRow {
  framework: string;
  files: number;
  layers: number;
  layersKnown: number;
  sites: number;
  sitesChecked: number;
}

export function measureReach(parser: PythonParser): ReachRow[] {
  const root = path.join(FIXTURES, 'reach');
  const rows = new Map<string, ReachRow>();
  for (const file of pythonFiles(root)) {
    const framework = path.relative(root, file).split(path.sep)[0];
    const row = rows.get(framework) ?? { framework, files: 0, layers: 0, layersKnown: 0, sites: 0, sitesChecked: 0 };
    rows.set(framework, row);
    const text = readFileSync(file, 'utf8');
    const checkedLines = new Set<number>();
    const lineOf = (offset: number) => text.slice(0, offset).split('\n').length;
    const spec = projectSpecFor(file);
    const modules = fileModuleProvider(spec, parser);
    const result = analyzeText(parser, text, {
      onTargetCheck: (site, checked) => checked && checkedLines.add(lineOf(site.start)),
      modules,
      moduleName: spec.moduleName,
      isPackage: spec.isPackage,
    });
    row.files++;
    for (const m of [...result.models, ...(result.elsewhere ?? []).flatMap((e) => e.models)]) {
      row.layers += m.layers.length;
      row.layersKnown += m.layers.filter(fullyKnown).length;
    }
    const sites = lossAndFitLines(text);
    row.sites += sites.length;
    row.sitesChecked += sites.filter((l) => checkedLines.has(l)).length;
  }
  const all = [...rows.values()];
  const total: ReachRow = { framework: 'all', files: 0, layers: 0, layersKnown: 0, sites: 0, sitesChecked: 0 };
  for (const r of all) for (const k of ['files', 'layers', 'layersKnown', 'sites', 'sitesChecked'] as const) total[k] += r[k];
  return [...all, total];
}

export function printReach(rows: ReachRow[]): void {
  const pct = (a: number, b: number) => (b ? `${((100 * a) / b).toFixed(0)}%` : '–');
  console.log('\nReach on test/fixtures/reach (each file as `check` analyses it, imports followed):');
  console.log('| corpus | files | layers | fully known | loss/fit calls | checked |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    console.log(`| ${r.framework} | ${r.files} | ${r.layers} | ${r.layersKnown} (${pct(r.layersKnown, r.layers)}) | ${r.sites} | ${r.sitesChecked} (${pct(r.sitesChecked, r.sites)}) |`);
  }
}
