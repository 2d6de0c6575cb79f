/**
 * The `shapelint` command line: argument parsing and dispatch. Every failure ends here as a
 * message on stderr and an exit code (0 clean, 1 problems, 2 usage/config/internal error).
 */
import { Command, CommanderError, Option } from 'commander';
import { ConfigError, looksInline, mergeValues, parseInlineConfig } from '../host/config';
import { parseConfigTable, type ConfigValues } from '../host/config-schema';
import { runCheck, type CheckOptions } from './check';
import { useColor, type ColorChoice } from './terminal';
import { runWatch } from './watch';
import { isOutputFormat, OUTPUT_FORMATS, type OutputFormat } from './formats/index';
import { EXIT, processIo, UsageError, type CliIo } from './io';
import { printable } from './report';
import { runRule, runRules } from './rules';
import { checkSummaryFormat, runSummary } from './summary';
import { runPort } from './port';
import { shapelintVersion } from '../host/version';

/** The launcher (bin/shapelint.js) runs the CLI on this process's streams. */
export { processIo };

interface CommonFlags {
  config?: string[];
  isolated?: boolean;
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let code: number = EXIT.clean;
  const program = buildProgram(io, (c) => (code = c));
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (e) {
    return reportError(e, io);
  }
}

function reportError(e: unknown, io: CliIo): number {
  if (e instanceof CommanderError) {
    // Help and version are successes; commander already printed its own error message.
    return e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help' ? EXIT.clean : EXIT.error;
  }
  if (e instanceof ConfigError || e instanceof UsageError) {
    io.stderr(`error: ${printable(e.message)}\n`);
    return EXIT.error;
  }
  io.stderr(`error: internal error: ${(e as Error)?.stack ?? e}\n`);
  return EXIT.error;
}

function buildProgram(io: CliIo, setCode: (c: number) => void): Command {
  const program = new Command('shapelint')
    .description('Static shape checker for Keras, MXNet Gluon and PyTorch model code')
    .version(shapelintVersion(), '-V, --version')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError('(run `shapelint --help` for usage)');
  addCheck(program, io, setCode);
  addSummary(program, io, setCode);
  addPort(program, io, setCode);
  program
    .command('rule')
    .description('Show the documentation of a rule')
    .argument('<name-or-code>', 'rule name (kernel-exceeds-input) or code (SL001)')
    .action((key: string) => setCode(runRule(key, io)));
  program
    .command('rules')
    .description('List every rule')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action((o: { format: 'text' | 'json' }) => setCode(runRules(o.format, io)));
  program
    .command('server')
    .description('Run the language server')
    .option('--stdio', 'talk LSP over stdin/stdout')
    .option('--node-ipc', 'talk LSP over Node IPC')
    .allowUnknownOption(true)
    .action(async () => setCode(await startLanguageServer(io)));
  for (const c of program.commands) c.exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  return program;
}

function addCheck(program: Command, io: CliIo, setCode: (c: number) => void): void {
  program
    .command('check')
    .description('Check files and folders (default: the current folder)')
    .argument('[paths...]', 'files or folders to check')
    .option('--fix', 'apply safe fixes')
    .option('--unsafe-fixes', 'also apply (and count as fixable) unsafe fixes')
    .option('--diff', 'print the changes --fix would make instead of writing them')
    .option('--show-fixes', 'list the fixes applied')
    .option('--exit-non-zero-on-fix', 'exit 1 when a fix was applied, even if nothing remains')
    .option('--exit-zero', 'exit 0 even when problems remain')
    .option('--add-noqa', 'add `# noqa` comments suppressing every current diagnostic')
    .addOption(new Option('--output-format <format>', `how to print results (env SHAPELINT_OUTPUT_FORMAT)`).choices(OUTPUT_FORMATS))
    .option('--select <rules>', 'comma-separated rule codes or names to report')
    .option('--ignore <rules>', 'comma-separated rule codes or names to skip')
    .option('--extend-select <rules>', 'comma-separated rules added to the selection')
    .option('--config <path-or-setting>', 'a config file, or an inline `KEY = VALUE` override (repeatable)', collect)
    .option('--isolated', 'ignore every configuration file')
    .option('--force-exclude', 'apply `exclude` to files named on the command line too')
    .option('--no-respect-gitignore', 'check files .gitignore excludes')
    .option('--no-cache', 'neither read nor write the result cache (~/.cache/shapelint)')
    .option('--threads <n>', 'analysis processes (default: one, or one per core from 1,000 files)')
    .addOption(new Option('--color <when>', 'colour the output: auto (on a terminal; honours NO_COLOR and FORCE_COLOR), always, never').choices(['auto', 'always', 'never']).default('auto'))
    .option('--statistics', 'print a count per rule instead of each finding')
    .option('--stdin-filename <name>', 'read the text from stdin, checked as this file (also with `-` as the path)')
    .option('-w, --watch', 'check again whenever a file changes')
    .option('-q, --quiet', 'print the findings only (no summary)')
    .option('-s, --silent', 'print nothing; only the exit code tells')
    .action(async (paths: string[], flags: Record<string, unknown>) => {
      const o = checkOptions(paths, flags, io);
      setCode(flags.watch ? await runWatch(o, io) : await runCheck(o, io));
    });
}

function addSummary(program: Command, io: CliIo, setCode: (c: number) => void): void {
  program
    .command('summary')
    .description("Print a static model.summary() for each model in a file")
    .argument('<file>', 'Python file')
    .option('--format <format>', 'text, json, or a drawing of the layer graph: mermaid, dot or svg', 'text')
    .option('--model <name>', 'only the model with this variable or class name')
    .option('--config <path-or-setting>', 'a config file, or an inline `KEY = VALUE` override (repeatable)', collect)
    .option('--isolated', 'ignore every configuration file')
    .option('--expand', "list every layer of a library model's blocks (text; collapsed by block by default)")
    .action(async (file: string, flags: CommonFlags & { format: string; model?: string; expand?: boolean }) => {
      const { configFile, overrides } = configFlags(flags.config, io.cwd);
      const format = checkSummaryFormat(flags.format);
      setCode(await runSummary({ file, format, model: flags.model, configFile, overrides, isolated: !!flags.isolated, expand: !!flags.expand }, io));
    });
}

function addPort(program: Command, io: CliIo, setCode: (c: number) => void): void {
  program
    .command('port')
    .description('Translate a model to another framework (checked by shapelint before it is written)')
    .argument('<files...>', 'the Python file (two with --compare: A.py[::Model] B.py[::Model])')
    .option('--to <framework>', 'keras, gluon or pytorch')
    .option('--compare', 'compare two models layer by layer instead: shapes, parameters, activations, padding')
    .option('--model <name>', 'the model to port (default: the last one found)')
    .option('-o, --output <file>', 'write the port here instead of stdout')
    .option('--with-weights', "add load_weights(): the source framework's saved weights, converted")
    .option('--config <path-or-setting>', 'a config file, or an inline `KEY = VALUE` override (repeatable)', collect)
    .option('--isolated', 'ignore every configuration file')
    .action(async (files: string[], flags: CommonFlags & { to?: string; compare?: boolean; model?: string; output?: string; withWeights?: boolean }) => {
      const { configFile, overrides } = configFlags(flags.config, io.cwd);
      setCode(await runPort({ files, to: flags.to, compare: !!flags.compare, model: flags.model, output: flags.output, withWeights: !!flags.withWeights, configFile, overrides, isolated: !!flags.isolated }, io));
    });
}

function checkOptions(paths: string[], f: Record<string, unknown>, io: CliIo): CheckOptions {
  const { configFile, overrides } = configFlags(f.config as string[] | undefined, io.cwd);
  const cli: Record<string, unknown> = {};
  for (const [flag, key] of [['select', 'select'], ['ignore', 'ignore'], ['extendSelect', 'extend-select']] as const) {
    if (typeof f[flag] === 'string') cli[key] = (f[flag] as string).split(',').map((s) => s.trim()).filter(Boolean);
  }
  const fromFlags = Object.keys(cli).length ? parseConfigTable(cli, 'command line', io.cwd) : undefined;
  if (f.addNoqa && (f.fix || f.diff)) throw new UsageError('--add-noqa cannot be combined with --fix or --diff');
  const stdin = paths.length === 1 && paths[0] === '-' ? ((f.stdinFilename as string | undefined) ?? '') : paths.length === 0 ? (f.stdinFilename as string | undefined) : undefined;
  if (paths.includes('-') && paths.length > 1) throw new UsageError('`-` (stdin) cannot be combined with other paths');
  if (stdin !== undefined && (f.watch || f.addNoqa)) throw new UsageError(`${f.watch ? '--watch' : '--add-noqa'} cannot read from stdin`);
  return {
    paths,
    outputFormat: outputFormat(f.outputFormat as string | undefined, io),
    fix: !!f.fix,
    unsafeFixes: !!f.unsafeFixes,
    diff: !!f.diff,
    showFixes: !!f.showFixes,
    exitNonZeroOnFix: !!f.exitNonZeroOnFix,
    exitZero: !!f.exitZero,
    addNoqa: !!f.addNoqa,
    cache: f.cache !== false,
    configFile,
    overrides: overrides && fromFlags ? mergeValues(overrides, fromFlags) : (fromFlags ?? overrides),
    isolated: !!f.isolated,
    forceExclude: !!f.forceExclude,
    respectGitignore: f.respectGitignore !== false,
    threads: threads(f.threads as string | undefined),
    color: useColor((f.color as ColorChoice | undefined) ?? 'auto', io),
    statistics: !!f.statistics,
    quiet: !!f.quiet || !!f.silent,
    silent: !!f.silent,
    ...(stdin !== undefined ? { stdinFilename: stdin } : {}),
  };
}

/** `--config` values: at most one file, any number of inline `KEY = VALUE` overrides. */
function configFlags(values: string[] | undefined, cwd: string): { configFile?: string; overrides?: ConfigValues } {
  let configFile: string | undefined;
  let overrides: ConfigValues | undefined;
  for (const v of values ?? []) {
    if (looksInline(v)) overrides = mergeValues(overrides ?? {}, parseInlineConfig(v, cwd));
    else if (configFile) throw new UsageError(`--config names two files (${configFile}, ${v}); give one file and inline overrides`);
    else configFile = v;
  }
  return { configFile, overrides };
}

/** Repeatable options accumulate (variadic ones would swallow the paths that follow). */
function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

function outputFormat(flag: string | undefined, io: CliIo): OutputFormat {
  const env = io.env.SHAPELINT_OUTPUT_FORMAT;
  if (flag) return flag as OutputFormat;
  if (env) {
    if (!isOutputFormat(env)) throw new UsageError(`SHAPELINT_OUTPUT_FORMAT=${env}: expected one of ${OUTPUT_FORMATS.join(', ')}`);
    return env;
  }
  return io.env.GITHUB_ACTIONS === 'true' ? 'github' : 'full';
}

function threads(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--threads ${v}: expected a positive integer`);
  return n;
}

/**
 * Loaded lazily and by a computed path: the language server is optional for the CLI, and
 * a missing or broken server module must not break `shapelint check`.
 */
async function startLanguageServer(io: CliIo): Promise<number> {
  let mod: { startServer?: () => unknown } = {};
  // Compiled (out/): the server module beside cli/; bundled (dist/): server.js beside cli.js.
  for (const modulePath of [['..', 'lsp', 'server'].join('/'), ['.', 'server.js'].join('/')]) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- a computed path, loaded only by `shapelint server`
      mod = require(modulePath) as typeof mod;
      break;
    } catch (e) {
      if (modulePath.endsWith('.js')) {
        io.stderr(`error: the language server is not available: ${(e as Error).message.split('\n')[0]}\n`);
        return EXIT.error;
      }
    }
  }
  if (typeof mod.startServer !== 'function') {
    io.stderr('error: the language server module does not export startServer()\n');
    return EXIT.error;
  }
  mod.startServer();
  // The connection keeps the process alive; the server exits on the LSP `exit` notification.
  return await new Promise<number>(() => undefined);
}

if (require.main === module) {
  void runCli(process.argv.slice(2), processIo()).then((code) => {
    process.exitCode = code;
  });
}
