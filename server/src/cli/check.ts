/**
 * `shapelint check`: find files, resolve their settings, lint (from the cache or on worker
 * threads), apply fixes, render one report, and pick the exit code.
 */
import * as path from 'node:path';
import type { FixMode } from '../engine/apply-fixes';
import { buildId, ResultCache } from '../host/cache';
import { ConfigResolver, display, lintSettingsFor, type LoadedConfig } from '../host/config';
import type { ConfigValues } from '../host/config-schema';
import { discoverFiles } from '../host/discover';
import { KerasConfigFinder } from '../host/keras-config';
import type { LintSettings } from '../host/lint';
import type { LintJob, LintJobResult } from '../host/lint-job';
import type { BackendChoice } from '../host/parser';
import { readSource, writeSourceAtomic } from '../host/source-file';
import { LintPool } from '../host/worker-pool';
import { addNoqa } from './add-noqa';
import { render, isHumanFormat, type OutputFormat } from './formats/index';
import { EXIT, type CliIo } from './io';
import { fileReport, type FileReport, type RunReport } from './report';
import { unifiedDiff } from './text-diff';
import { shapelintVersion } from './version';

export interface CheckOptions {
  paths: string[];
  outputFormat: OutputFormat;
  fix: boolean;
  unsafeFixes: boolean;
  diff: boolean;
  showFixes: boolean;
  exitNonZeroOnFix: boolean;
  exitZero: boolean;
  addNoqa: boolean;
  cache: boolean;
  configFile?: string;
  overrides?: ConfigValues;
  isolated: boolean;
  forceExclude: boolean;
  respectGitignore: boolean;
  threads?: number;
  backend: BackendChoice;
}

/** One file to check, with everything the lint needs. */
export interface CheckItem {
  abs: string;
  display: string;
  text: string;
  bom: boolean;
  /** Invalid UTF-8 was replaced: analyse, but never write. */
  lossy: boolean;
  settings: LintSettings;
}

export async function runCheck(o: CheckOptions, io: CliIo): Promise<number> {
  // Files are linted in isolated processes; start one now so its start-up overlaps discovery.
  const pool = new LintPool({ threads: o.threads, backend: o.backend });
  if (!o.addNoqa) pool.warm();
  const resolver = new ConfigResolver({ cwd: io.cwd, configFile: o.configFile, overrides: o.overrides, isolated: o.isolated });
  const found = discoverFiles(o.paths, { cwd: io.cwd, resolver, forceExclude: o.forceExclude, respectGitignore: o.respectGitignore });
  for (const w of found.warnings) io.stderr(`warning: ${w}\n`);
  for (const e of found.errors) io.stderr(`error: ${e}\n`);
  let failed = found.errors.length > 0;
  const { items, readFailed } = readItems(found.files, resolver, io, o);
  failed ||= readFailed;
  if (o.addNoqa) return (await addNoqa(items, o.backend, io)) || failed ? EXIT.error : EXIT.clean;

  const mode: FixMode = o.unsafeFixes ? 'unsafe' : 'safe';
  const fixing = o.fix || o.diff;
  const results = await lintItems(items, fixing ? mode : null, o, io, pool);
  const reports: FileReport[] = [];
  let fixed = 0;
  let wouldChange = 0;
  const shownFixes: string[] = [];
  items.forEach((item, i) => {
    const r = results[i];
    if (r.internalError) {
      failed = true;
      io.stderr(`error: internal error while checking ${item.display}: ${r.internalError.split('\n')[0]}\n`);
      if (io.env.SHAPELINT_DEBUG) io.stderr(`${r.internalError}\n`);
    }
    let text = item.text;
    if (r.fixedText !== undefined && r.fixedText !== item.text) {
      if (o.diff) {
        io.stdout(unifiedDiff(item.text, r.fixedText, item.display, item.display));
        wouldChange += r.applied.length;
      } else if (writeFixed(item, r.fixedText, io)) {
        text = r.fixedText;
        fixed += r.applied.length;
        if (o.showFixes) shownFixes.push(...describeFixes(item.display, r));
      } else failed = true;
    }
    if (!o.diff) reports.push(fileReport(item.abs, item.display, text, r.diagnostics, r.syntaxErrors));
  });

  if (o.diff) {
    io.stderr(wouldChange ? `Would fix ${wouldChange} error${wouldChange === 1 ? '' : 's'}.\n` : 'No errors would be fixed.\n');
    return failed ? EXIT.error : wouldChange && !o.exitZero ? EXIT.problems : EXIT.clean;
  }
  const report: RunReport = { files: reports, fixMode: mode, fixed };
  if (shownFixes.length) (isHumanFormat(o.outputFormat) ? io.stdout : io.stderr)(`Fixed:\n${shownFixes.join('')}\n`);
  io.stdout(render(o.outputFormat, report, shapelintVersion()));
  const remaining = reports.reduce((n, f) => n + f.findings.length, 0);
  if (failed) return EXIT.error;
  if (o.exitNonZeroOnFix && fixed > 0) return EXIT.problems;
  return remaining > 0 && !o.exitZero ? EXIT.problems : EXIT.clean;
}

export function readItems(files: string[], resolver: ConfigResolver, io: CliIo, o: Pick<CheckOptions, "fix" | "diff" | "addNoqa" | "overrides">): { items: CheckItem[]; readFailed: boolean } {
  const keras = new KerasConfigFinder({ cwd: io.cwd, home: io.env.HOME, kerasHome: io.env.KERAS_HOME });
  const items: CheckItem[] = [];
  let readFailed = false;
  for (const abs of files) {
    const shown = display(abs, io.cwd);
    const src = readSource(abs);
    if (src.kind === 'error') {
      io.stderr(`error: cannot read ${shown}: ${src.message}\n`);
      readFailed = true;
      continue;
    }
    if (src.kind === 'binary') {
      io.stderr(`warning: skipping ${shown}: binary file (contains NUL bytes)\n`);
      continue;
    }
    if (src.lossy && (o.fix || o.diff || o.addNoqa)) io.stderr(`warning: ${shown} is not valid UTF-8: checked with replacement characters, not fixed\n`);
    const config = resolver.forDir(path.dirname(abs));
    items.push({ abs, display: shown, text: src.text, bom: src.bom, lossy: src.lossy, settings: settingsFor(config, abs, keras, io, o) });
  }
  return { items, readFailed };
}

function settingsFor(config: LoadedConfig, abs: string, keras: KerasConfigFinder, io: CliIo, o: Pick<CheckOptions, "overrides">): LintSettings {
  const configured = config.values.kerasDataFormat
    ? { format: config.values.kerasDataFormat, source: o.overrides?.kerasDataFormat ? '--config' : `${config.file ? display(config.file, io.cwd) : 'configuration'} (keras-data-format)` }
    : undefined;
  const choice = keras.forDir(path.dirname(abs), configured);
  return { ...lintSettingsFor(config, abs), kerasDataFormat: choice.format, kerasDataFormatSource: choice.source, kerasBackend: choice.backend };
}

/** Lints every item, from the cache when possible; fix runs always lint afresh. */
async function lintItems(items: CheckItem[], mode: FixMode | null, o: CheckOptions, io: CliIo, pool: LintPool): Promise<LintJobResult[]> {
  const cache = o.cache && !mode ? new ResultCache(io.cwd, buildId(shapelintVersion(), [path.join(__dirname, '..', 'engine'), path.join(__dirname, '..', 'host')])) : null;
  const results: LintJobResult[] = new Array(items.length);
  const jobs: LintJob[] = [];
  const keys: string[] = [];
  items.forEach((item, id) => {
    const key = cache?.key(item.text, item.settings);
    const hit = key ? cache!.get(key) : null;
    if (hit) results[id] = { ...hit, id };
    else {
      jobs.push({ id, text: item.text, settings: item.settings, fix: item.lossy ? null : mode });
      if (key) keys[id] = key;
    }
  });
  const fresh = await pool.run(jobs);
  for (const r of fresh) {
    results[r.id] = r;
    if (cache && keys[r.id] && !r.internalError) cache.set(keys[r.id], r);
  }
  return results;
}

function writeFixed(item: CheckItem, text: string, io: CliIo): boolean {
  try {
    writeSourceAtomic(item.abs, text, item.bom);
    return true;
  } catch (e) {
    io.stderr(`error: cannot write ${item.display}: ${(e as NodeJS.ErrnoException).code ?? e}\n`);
    return false;
  }
}

function describeFixes(shown: string, r: LintJobResult): string[] {
  const counts = new Map<string, number>();
  for (const a of r.applied) {
    const k = `${a.code} (${a.rule})`;
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return [`${shown}:\n`, ...[...counts].map(([k, n]) => `    ${n} × ${k}\n`)];
}
