/**
 * The workspace index: the Python files of the workspace folder, found as `shapelint check`
 * finds them (configured excludes and `.gitignore` honoured), and which of them import a module.
 * The server analyses a module's importers that are not open, so a model file shows the errors
 * the project's scripts cause in it, and its hovers the shapes they give its layers. The index is
 * read once and rebuilt when the configuration or watched project files change (an import line
 * added on disk meanwhile is seen after that, or once the file is opened).
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigResolver } from '../host/config';
import { discoverFiles } from '../host/discover';
import { importWords, MAX_MODULE_BYTES, projectSpecFor } from '../host/project';
import { readSmallFile } from '../host/safe-read';

/** Past this many files the index is not built (a huge workspace would cost more than it helps). */
const MAX_INDEXED_FILES = 5000;
/** At most this many importers of one module are analysed in the background. */
export const MAX_BACKGROUND_IMPORTERS = 32;

export class WorkspaceIndex {
  private files: string[] | null = null;
  /** The words of each file's import lines, read once per index (cheap lookups for every module opened). */
  private readonly importWords = new Map<string, Set<string>>();

  constructor(
    private readonly root: () => string,
    private readonly log: (message: string) => void,
  ) {}

  /** The workspace's Python files, listed once (again after `invalidate`). */
  list(): string[] {
    if (this.files === null) {
      const resolver = new ConfigResolver({ cwd: this.root(), home: os.homedir(), warn: (m) => this.log(`shapelint: ${m}`) });
      const found = discoverFiles([this.root()], { cwd: this.root(), resolver, forceExclude: true, respectGitignore: true });
      this.files = found.files.length <= MAX_INDEXED_FILES ? found.files : [];
    }
    return this.files;
  }

  invalidate(): void {
    this.files = null;
    this.importWords.clear();
  }

  /** Files of the workspace whose import lines name `file`'s module, other than `file` and those in `skip`. */
  importersOf(file: string, skip: Set<string>): string[] {
    const spec = projectSpecFor(file);
    if (!spec.moduleName) return [];
    const names = new Set(spec.moduleName.split('.'));
    const out: string[] = [];
    for (const f of this.list()) {
      if (f === file || skip.has(f) || path.extname(f) !== '.py') continue;
      if (this.wordsOf(f).size && [...names].some((n) => this.wordsOf(f).has(n))) out.push(f);
      if (out.length >= MAX_BACKGROUND_IMPORTERS) break;
    }
    return out;
  }

  private wordsOf(file: string): Set<string> {
    let words = this.importWords.get(file);
    if (!words) {
      const read = readSmallFile(file, { maxBytes: MAX_MODULE_BYTES, timeoutMs: 2000 });
      words = read.kind === 'text' ? importWords(read.text) : new Set();
      this.importWords.set(file, words);
    }
    return words;
  }
}
