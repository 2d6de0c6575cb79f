/**
 * `--watch`: check, then check again whenever a Python file, notebook or configuration file
 * under the checked paths changes, clearing the screen before each run (as `ruff check --watch`).
 * Ends with Ctrl+C (or the io's abort signal).
 */
import { watch, type FSWatcher } from 'node:fs';
import * as path from 'node:path';
import { runCheck, type CheckOptions } from './check';
import type { CliIo } from './io';

const CLEAR = '\x1b[2J\x1b[3J\x1b[H';
const WATCHED = /\.(pyi?|ipynb|toml|json|cfg|txt)$|(^|\/)\.gitignore$/;
const SETTLE_MS = 100;

export async function runWatch(o: CheckOptions, io: CliIo): Promise<number> {
  let code = await once(o, io);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> = Promise.resolve();
  const watchers: FSWatcher[] = [];
  await new Promise<void>((resolve) => {
    const rerun = () => {
      clearTimeout(timer);
      // Editors save in bursts (write, rename, touch): wait for the burst to settle.
      timer = setTimeout(() => (running = running.then(async () => void (code = await once(o, io)))), SETTLE_MS);
    };
    for (const p of o.paths.length ? o.paths : ['.']) {
      try {
        const w = watch(path.resolve(io.cwd, p), { recursive: true }, (_event, file) => {
          if (!file || WATCHED.test(String(file).split(path.sep).join('/'))) rerun();
        });
        watchers.push(w);
      } catch (e) {
        io.stderr(`warning: cannot watch ${p}: ${(e as Error).message}\n`);
      }
    }
    io.signal?.addEventListener('abort', () => resolve(), { once: true });
    if (io.signal?.aborted) resolve();
  });
  clearTimeout(timer);
  for (const w of watchers) w.close();
  await running;
  return code;
}

async function once(o: CheckOptions, io: CliIo): Promise<number> {
  io.stdout(CLEAR);
  io.stderr(`[${new Date().toLocaleTimeString('en-GB')}] Checking...\n`);
  const code = await runCheck(o, io);
  io.stderr('Watching for file changes.\n');
  return code;
}
