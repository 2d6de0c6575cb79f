/**
 * One unit of work for the CLI: lint (and optionally fix) one text. Jobs and results are
 * plain data so they cross worker-thread boundaries and go into the cache unchanged.
 */
import type { FixMode } from '../engine/apply-fixes';
import type { Diagnostic, ImportedModule, ModuleProvider, PythonParser, SyntaxProblem } from '../engine/index';
import { contentHash } from './cache';
import { fixText, type AppliedFix } from './fix-loop';
import { analyzeText } from '../engine/index';
import { engineOptions, lintEngineResult, type LintResult, type LintSettings } from './lint';
import { withPortOf } from './port-of';
import { fileModuleProvider, RunLookups, stubsDir, type ProjectSpec } from './project';

export interface LintJob {
  id: number;
  text: string;
  settings: LintSettings;
  /** Set for `--fix`: which fixes to apply. */
  fix: FixMode | null;
  /** Where the file sits in its project: its imports of project modules and stubs are followed. */
  project?: ProjectSpec;
  /** The file's path, for its `port-of` directives (relative to its folder). */
  file?: string;
  /** The run gives this job's lint process much text to parse: its grammar may be optimised (lint-worker.ts). */
  bulk?: boolean;
  /** The run this job is part of: the run's jobs share their module lookups (`RunLookups`), except fix runs. */
  run?: string;
}

export interface LintJobResult {
  id: number;
  diagnostics: Diagnostic[];
  syntaxErrors: SyntaxProblem[];
  // No model summaries: `check` reports none, and they were 99% of a result's bytes (11 MB for
  // 126 generated files, 4% of the lint time to serialise between processes and back).
  internalError?: string;
  truncated: boolean;
  /** With `fix`: the text after fixing (equal to the input when nothing applied). */
  fixedText?: string;
  applied: AppliedFix[];
  /** The project modules and stubs the analysis read, with their text's hash (cache validation, import graph). */
  imports?: (ImportedModule & { hash: string })[];
  /**
   * Every module name the analysis looked up, with the file it resolved to and that file's content
   * hash (null: none, a framework or unknown library): a cached result is used only while each
   * still resolves alike (cache.ts), so an edited module, or a new one that shadows an import, is
   * noticed.
   */
  lookups?: Lookups;
}

export function runJob(parser: PythonParser, job: LintJob): LintJobResult {
  try {
    const lookups: Lookups = {};
    const provider = job.project ? recordingLookups(fileModuleProvider(job.project, parser, stubsDir(), lookupsOfRun(job)), lookups) : undefined;
    const settings: LintSettings = provider && job.project
      ? { ...job.settings, modules: provider, moduleName: job.project.moduleName, isPackage: job.project.isPackage }
      : job.settings;
    if (job.fix) {
      const out = fixText(parser, job.text, settings, job.fix);
      return { ...summarise(job.id, out.result), fixedText: out.text, applied: out.applied };
    }
    const engine = withPortOf(parser, analyzeText(parser, job.text, engineOptions(settings)), job.text, engineOptions(settings), { file: job.file });
    const out = summarise(job.id, lintEngineResult(engine, job.text, settings, provider?.textOf));
    if (out.imports && provider) {
      // Every module found was hashed when its lookup was recorded: reuse that hash.
      const hashes = new Map(Object.values(lookups).filter((l) => l !== null));
      out.imports = out.imports.map((m) => ({ ...m, hash: hashes.get(m.path) ?? contentHash(provider.textOf(m.path) ?? '') }));
    }
    if (provider) out.lookups = lookups;
    return out;
  } catch (e) {
    // The engine never throws; this guards the pipeline around it.
    return failedJob(job.id, String((e as Error)?.stack ?? e));
  }
}

/** The module lookups of the run the last job came from (a process serves one run at a time). */
let lastRun: RunLookups | undefined;

/**
 * The shared lookups of `job`'s run. Not for fixes: a fix run writes files as it goes, so each of
 * its files reads the project afresh, as before.
 */
function lookupsOfRun(job: LintJob): RunLookups | undefined {
  if (job.run === undefined || job.fix !== null) return undefined;
  if (lastRun?.id !== job.run) lastRun = new RunLookups(job.run);
  return lastRun;
}

/** Module names looked up: the file found and its content hash, or null. */
export type Lookups = Record<string, [string, string] | null>;

/** The provider, writing down every name asked for, the file it resolved to and that file's content hash. */
export function recordingLookups<P extends ModuleProvider>(provider: P, lookups: Lookups): P {
  return {
    ...provider,
    find: (name: string) => {
      const found = provider.find(name);
      lookups[name] = found ? [found.path, found.hash ?? contentHash(found.text)] : null;
      return found;
    },
  };
}

/** The result of a job that produced nothing: an internal error, or a crash of its process. */
export function failedJob(id: number, internalError: string): LintJobResult {
  return { id, diagnostics: [], syntaxErrors: [], truncated: false, applied: [], internalError };
}

function summarise(id: number, r: LintResult): LintJobResult {
  const out: LintJobResult = {
    id,
    diagnostics: r.diagnostics,
    syntaxErrors: r.engine.syntaxErrors,
    truncated: r.engine.truncated,
    applied: [],
  };
  if (r.engine.internalError) out.internalError = r.engine.internalError;
  if (r.engine.imports?.length) out.imports = r.engine.imports.map((m) => ({ ...m, hash: '' }));
  return out;
}
