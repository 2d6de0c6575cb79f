/**
 * Real VS Code for end-to-end tests: code-server serves VS Code, headless Chromium (Debian's,
 * through playwright-core) is the user. A session installs the packaged `shapelint.vsix` into
 * fresh folders, opens a scratch workspace and keeps screenshots of every step.
 *
 * Needs `npm run test:setup` (Node 24 and code-server in `.test-tools/`, Debian's chromium,
 * playwright-core). Without them tests are skipped locally and FAIL when `CI` is set.
 */
import * as assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from '../lsp/harness';

import { hasPlaywright, launchChromium, type Browser, type Locator, type Page } from './playwright';

const NODE_VERSION = '24.21.0';
const CODE_SERVER_VERSION = '4.139.1';
const TOOLS = path.join(REPO_ROOT, '.test-tools');
const NODE_BIN = path.join(TOOLS, `node-${NODE_VERSION}`, 'bin');
const CODE_SERVER = path.join(TOOLS, `code-server-${CODE_SERVER_VERSION}`, 'node_modules', '.bin', 'code-server');
const CHROMIUM = '/usr/bin/chromium';
const VSIX = path.join(REPO_ROOT, 'shapelint.vsix');

/** What is missing to run the test, in words; empty when everything is there. */
function missingTools(): string[] {
  const missing: string[] = [];
  if (!existsSync(path.join(NODE_BIN, 'node'))) missing.push(`Node ${NODE_VERSION} in .test-tools/`);
  if (!existsSync(CODE_SERVER)) missing.push(`code-server ${CODE_SERVER_VERSION} in .test-tools/`);
  if (!existsSync(CHROMIUM)) missing.push(CHROMIUM);
  if (!existsSync('/usr/bin/setsid')) missing.push('setsid');
  if (!hasPlaywright(TOOLS)) missing.push('playwright-core in .test-tools/');
  return missing;
}

export const missing = missingTools();
const inCI = Boolean(process.env.CI);
/** The `skip` option of a code-server test. */
export const skip = missing.length > 0 && !inCI ? `missing ${missing.join(', ')}: run npm run test:setup` : false;

/** Fails (in CI, or when the tools are partly there) with what is missing. */
export function requireTools(): void {
  if (skip) return;
  assert.deepEqual(missing, [], `missing ${missing.join(', ')}: run npm run test:setup`);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Stops code-server and every helper it started: they share its process group (setsid). */
async function killGroup(pid: number): Promise<void> {
  const alive = (): boolean => {
    try {
      process.kill(-pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  try {
    process.kill(-pid, 'SIGTERM');
  } catch {
    return;
  }
  for (let i = 0; i < 30 && alive(); i++) await sleep(100);
  if (alive()) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      /* gone meanwhile */
    }
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function newestMtime(p: string): number {
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, entry)));
  return newest;
}

/** Builds `shapelint.vsix` unless it is newer than everything that goes into it. */
function ensureVsix(): void {
  if (vsixIsFresh()) return;
  // The editor tests run two files at a time: one packages, the other waits for it (two
  // packagings at once write the same dist/ and fail).
  withLock(`${VSIX}.lock`, () => {
    if (vsixIsFresh()) return;
    const r = spawnSync('npm', ['run', 'package'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 180_000 });
    assert.equal(r.status, 0, `npm run package failed:\n${r.stdout}\n${r.stderr}`);
    assert.ok(existsSync(VSIX), 'npm run package made shapelint.vsix');
  });
}

function vsixIsFresh(): boolean {
  const inputs = ['client/src', 'client/README.md', 'client/media', 'server/src', 'scripts/bundle.mjs', 'package.json', 'grammars', '.vscodeignore', 'LICENSE'];
  const newest = Math.max(...inputs.map((p) => path.join(REPO_ROOT, p)).filter(existsSync).map(newestMtime));
  return existsSync(VSIX) && statSync(VSIX).mtimeMs > newest;
}

/** Runs `fn` holding a lock between processes: a folder made atomically, taken over when older than a packaging can take. */
function withLock(dir: string, fn: () => void): void {
  const STALE_MS = 300_000;
  for (;;) {
    try {
      mkdirSync(dir);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      try {
        if (Date.now() - statSync(dir).mtimeMs > STALE_MS) rmSync(dir, { recursive: true, force: true });
      } catch {
        /* released meanwhile */
      }
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    fn();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** User settings written before the page loads: no Welcome page, no chat, no telemetry, no git. */
const SETTINGS = {
  'workbench.startupEditor': 'none',
  'chat.disableAIFeatures': true,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'security.workspace.trust.enabled': false,
  'git.enabled': false,
  'workbench.tips.enabled': false,
  'editor.inlayHints.enabled': 'on',
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

export interface SessionOptions {
  /** The folder copied into the scratch workspace. */
  workspaceFrom: string;
  /** Where screenshots go (emptied first). */
  artifacts: string;
  /** Settings added to the defaults. */
  settings?: Record<string, unknown>;
}

export class CodeServerSession {
  private shot = 0;
  private codeServer: ChildProcess | undefined;
  private browser: Browser | undefined;
  private serverLog = '';
  page!: Page;
  readonly userDataDir: string;
  readonly workspace: string;

  private constructor(
    readonly scratch: string,
    private readonly options: SessionOptions,
  ) {
    this.userDataDir = path.join(scratch, 'user-data');
    this.workspace = path.join(scratch, path.basename(options.workspaceFrom));
  }

  /** Copies the workspace, installs the extension, starts code-server and opens the workspace in Chromium. */
  static async start(options: SessionOptions, prepare: (workspace: string) => void = () => undefined): Promise<CodeServerSession> {
    ensureVsix();
    rmSync(options.artifacts, { recursive: true, force: true });
    mkdirSync(options.artifacts, { recursive: true });
    const s = new CodeServerSession(mkdtempSync(path.join(os.tmpdir(), 'shapelint-vscode-')), options);
    cpSync(options.workspaceFrom, s.workspace, { recursive: true });
    prepare(s.workspace);
    await s.launch();
    return s;
  }

  private async launch(): Promise<void> {
    const env = this.serverEnv();
    const extensionsDir = path.join(this.scratch, 'extensions');
    const install = spawnSync(CODE_SERVER, ['--extensions-dir', extensionsDir, '--user-data-dir', this.userDataDir, '--install-extension', VSIX], {
      env,
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(install.status, 0, `code-server --install-extension failed:\n${install.stdout}\n${install.stderr}`);
    assert.ok(
      readdirSync(extensionsDir).some((d) => d.startsWith('shapelint.shapelint-')),
      `the extension is installed: ${readdirSync(extensionsDir).join(', ')}`,
    );
    mkdirSync(path.join(this.userDataDir, 'User'), { recursive: true });
    writeFileSync(path.join(this.userDataDir, 'User', 'settings.json'), JSON.stringify({ ...SETTINGS, ...this.options.settings }, null, 2));

    // code-server in its own session, so close() can stop it with all its helpers.
    const port = await freePort();
    this.serverLog = path.join(this.scratch, 'code-server.log');
    const logFd = openSync(this.serverLog, 'w');
    const args = ['--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust'];
    this.codeServer = spawn('setsid', [CODE_SERVER, ...args, '--user-data-dir', this.userDataDir, '--extensions-dir', extensionsDir, this.workspace], {
      env,
      stdio: ['ignore', logFd, logFd],
    });
    closeSync(logFd);
    const base = `http://127.0.0.1:${port}`;
    let up = false;
    for (let i = 0; i < 300 && !up; i++) {
      if (this.codeServer.exitCode !== null) break;
      try {
        up = (await fetch(`${base}/healthz`)).ok;
      } catch {
        await sleep(100);
      }
    }
    assert.ok(up, `code-server did not start:\n${this.logs()}`);

    this.browser = await launchChromium(TOOLS, CHROMIUM);
    this.page = await this.browser.newPage({ viewport: { width: 1600, height: 900 } });
    await this.page.goto(`${base}/?folder=${encodeURIComponent(this.workspace)}`);
  }

  /** The environment code-server runs in: Node 24 first on PATH, every home-ish folder scratch. */
  private serverEnv(): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {};
    for (const key of ['LANG', 'LC_ALL', 'TZ']) if (process.env[key]) env[key] = process.env[key];
    const dir = (name: string): string => {
      const p = path.join(this.scratch, name);
      mkdirSync(p, { recursive: true });
      return p;
    };
    return {
      ...env,
      PATH: `${NODE_BIN}${path.delimiter}${process.env.PATH ?? '/usr/bin:/bin'}`,
      HOME: dir('home'),
      TMPDIR: dir('tmp'),
      XDG_CONFIG_HOME: dir('xdg-config'),
      XDG_DATA_HOME: dir('xdg-data'),
      XDG_CACHE_HOME: dir('xdg-cache'),
      XDG_STATE_HOME: dir('xdg-state'),
      XDG_RUNTIME_DIR: dir('xdg-runtime'),
    };
  }

  /** Every log VS Code wrote (extension host, server output channels), for failure messages. */
  logs(): string {
    const out: string[] = [];
    const walk = (dir: string): void => {
      if (!existsSync(dir)) return;
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(p);
        else if (entry.name.endsWith('.log') && (/^(remoteexthost|remoteagent)\.log$/.test(entry.name) || /shapelint/i.test(path.relative(this.userDataDir, p)))) {
          const text = readFileSync(p, 'utf8').trim();
          if (text) out.push(`--- ${path.relative(this.userDataDir, p)}\n${text.split('\n').slice(-40).join('\n')}`);
        }
      }
    };
    walk(path.join(this.userDataDir, 'logs'));
    if (this.serverLog && existsSync(this.serverLog)) {
      out.push(`--- code-server stdout/stderr\n${readFileSync(this.serverLog, 'utf8').split('\n').slice(-30).join('\n')}`);
    }
    return out.join('\n');
  }

  async screenshot(name: string): Promise<string> {
    this.shot++;
    const file = path.join(this.options.artifacts, `${String(this.shot).padStart(2, '0')}-${name}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  /** Waits for a locator, and on timeout fails with a screenshot and VS Code's logs. */
  async expectVisible(locator: Locator, what: string, timeout = 20_000): Promise<void> {
    try {
      await locator.first().waitFor({ state: 'visible', timeout });
    } catch (err) {
      await this.screenshot(`failed-${what.replace(/\W+/g, '-')}`).catch(() => {});
      assert.fail(`VS Code never showed ${what}: ${(err as Error).message.split('\n')[0]}\n${this.logs()}`);
    }
  }

  /** Each step guarded: cleanup must run to the end whatever failed before. */
  async close(): Promise<void> {
    try {
      await this.browser?.close();
    } catch {
      /* already gone */
    }
    if (this.codeServer?.pid !== undefined) await killGroup(this.codeServer.pid);
    if (!process.env.SHAPELINT_KEEP_SCRATCH) rmSync(this.scratch, { recursive: true, force: true });
  }
}
