/** Shared helpers for the CLI tests: in-process runs, temporary projects, snapshots. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after } from 'node:test';
import { runCli } from '../../server/src/cli/main';

export const REPO = path.resolve(__dirname, '..', '..', '..');
export const FIXTURES = path.join(REPO, 'test', 'fixtures', 'cli');

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process with a controlled environment (no HOME keras.json, no CI vars). */
export async function cli(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    cwd,
    env: { HOME: path.join(cwd, '.no-home'), ...env },
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
  });
  return { code, stdout, stderr };
}

/** A temporary folder with the given files; returns its real path. */
export function project(files: Record<string, string | Buffer>): string {
  const root = realpathSync(mkdtempSync(path.join(tmpdir(), 'shapelint-cli-')));
  for (const [rel, content] of Object.entries(files)) {
    const abs = path.join(root, rel);
    mkdirSync(path.dirname(abs), { recursive: true });
    writeFileSync(abs, content);
  }
  return root;
}

export function removeProject(root: string): void {
  rmSync(root, { recursive: true, force: true });
}

/** `project` for one test file: every folder it makes is removed after the file's tests. */
export function projectsRemovedAfter(): (files: Record<string, string | Buffer>) => string {
  const roots: string[] = [];
  after(() => roots.forEach(removeProject));
  return (files) => {
    const root = project(files);
    roots.push(root);
    return root;
  };
}

export function read(root: string, rel: string): string {
  return readFileSync(path.join(root, rel), 'utf8');
}

/** Compares with a committed snapshot; `UPDATE_SNAPSHOTS=1` rewrites it. */
export function matchSnapshot(name: string, actual: string): void {
  const file = path.join(FIXTURES, 'snapshots', name);
  if (process.env.UPDATE_SNAPSHOTS === '1') {
    writeFileSync(file, actual);
    return;
  }
  let expected: string;
  try {
    expected = readFileSync(file, 'utf8');
  } catch {
    throw new Error(`snapshot ${name} missing: run with UPDATE_SNAPSHOTS=1`);
  }
  assert.equal(actual, expected, `snapshot ${name} differs (UPDATE_SNAPSHOTS=1 to accept)`);
}

/** The founding example that the engine flags on its first MaxPool2D. */
export const NAIVE_PORT = path.join(REPO, 'examples', 'gluon_naive_port.py');
export const FIXED_PORT = path.join(REPO, 'examples', 'gluon_fixed_create_model.py');
