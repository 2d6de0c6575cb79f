/**
 * The VS Code extension in real VS Code: code-server serves VS Code, headless Chromium
 * (Debian's, through playwright-core) is the user. The test installs the packaged
 * `shapelint.vsix`, opens a scratch copy of `examples/`, opens the founding Gluon port from
 * the Explorer and checks what a user sees: the squiggle, the Problems entry, the hover, an
 * inlay hint, the quick fix applied and saved, and the problem gone.
 *
 * Needs `npm run test:setup` (Node 24 and code-server in `.test-tools/`, Debian's chromium,
 * playwright-core). Without them the test is skipped locally and FAILS when `CI` is set.
 * Screenshots of every step go to `test-artifacts/vscode/`.
 */
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  closeSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from '../lsp/harness';

// Only types are imported statically: the module itself may be missing (then the test says so).
import { hasPlaywright, playwrightChromium, type Browser, type Locator, type Page } from './playwright';

const NODE_VERSION = '24.21.0';
const CODE_SERVER_VERSION = '4.139.1';
const TOOLS = path.join(REPO_ROOT, '.test-tools');
const NODE_BIN = path.join(TOOLS, `node-${NODE_VERSION}`, 'bin');
const CODE_SERVER = path.join(TOOLS, `code-server-${CODE_SERVER_VERSION}`, 'node_modules', '.bin', 'code-server');
const CHROMIUM = '/usr/bin/chromium';
const VSIX = path.join(REPO_ROOT, 'shapelint.vsix');
const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts', 'vscode');
const FILE = 'gluon_naive_port.py';
const MESSAGE = 'kernel size (2) exceeds input (1 padded to 1)';
const FIXED = 'X.transpose((0, 3, 1, 2))';

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

const missing = missingTools();
const inCI = Boolean(process.env.CI);
const skip = missing.length > 0 && !inCI ? `missing ${missing.join(', ')}: run npm run test:setup` : false;

let scratch = '';
let codeServer: ChildProcess | undefined;
let browser: Browser | undefined;
let serverLog = '';
let userDataDir = '';

after(async () => {
  // Each step guarded: cleanup must run to the end whatever failed before.
  try {
    await browser?.close();
  } catch {
    /* already gone */
  }
  if (codeServer?.pid !== undefined) await killGroup(codeServer.pid);
  if (scratch && !process.env.SHAPELINT_KEEP_SCRATCH) rmSync(scratch, { recursive: true, force: true });
});

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

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
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
  const inputs = ['client/src', 'server/src', 'scripts/bundle.mjs', 'package.json', 'grammars', '.vscodeignore'];
  const newest = Math.max(...inputs.map((p) => path.join(REPO_ROOT, p)).filter(existsSync).map(newestMtime));
  if (existsSync(VSIX) && statSync(VSIX).mtimeMs > newest) return;
  const r = spawnSync('npm', ['run', 'package'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 180_000 });
  assert.equal(r.status, 0, `npm run package failed:\n${r.stdout}\n${r.stderr}`);
  assert.ok(existsSync(VSIX), 'npm run package made shapelint.vsix');
}

/** The environment code-server runs in: Node 24 first on PATH, every home-ish folder scratch. */
function serverEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const key of ['LANG', 'LC_ALL', 'TZ']) if (process.env[key]) env[key] = process.env[key];
  const dir = (name: string): string => {
    const p = path.join(scratch, name);
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
function vscodeLogs(): string {
  const out: string[] = [];
  const walk = (dir: string): void => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (
        entry.name.endsWith('.log') &&
        (/^(remoteexthost|remoteagent)\.log$/.test(entry.name) || /shapelint/i.test(path.relative(userDataDir, p)))
      ) {
        const text = readFileSync(p, 'utf8').trim();
        if (text) out.push(`--- ${path.relative(userDataDir, p)}\n${text.split('\n').slice(-40).join('\n')}`);
      }
    }
  };
  walk(path.join(userDataDir, 'logs'));
  if (serverLog && existsSync(serverLog)) {
    out.push(`--- code-server stdout/stderr\n${readFileSync(serverLog, 'utf8').split('\n').slice(-30).join('\n')}`);
  }
  return out.join('\n');
}

let shot = 0;
async function screenshot(page: Page, name: string): Promise<void> {
  shot++;
  await page.screenshot({ path: path.join(ARTIFACTS, `${String(shot).padStart(2, '0')}-${name}.png`) });
}

/** Waits for a locator, and on timeout fails with a screenshot and VS Code's logs. */
async function expectVisible(page: Page, locator: Locator, what: string, timeout = 20_000): Promise<void> {
  try {
    await locator.first().waitFor({ state: 'visible', timeout });
  } catch (err) {
    await screenshot(page, `failed-${what.replace(/\W+/g, '-')}`).catch(() => {});
    assert.fail(`VS Code never showed ${what}: ${(err as Error).message.split('\n')[0]}\n${vscodeLogs()}`);
  }
}

before(() => {
  if (skip) return;
  assert.deepEqual(missing, [], `missing ${missing.join(', ')}: run npm run test:setup`);
});

test('VS Code (code-server): diagnostic, Problems, hover, inlay hint, quick fix on the Gluon port', { skip, timeout: 300_000 }, async () => {
  const started = Date.now();
  ensureVsix();
  rmSync(ARTIFACTS, { recursive: true, force: true });
  mkdirSync(ARTIFACTS, { recursive: true });

  scratch = mkdtempSync(path.join(os.tmpdir(), 'shapelint-vscode-'));
  userDataDir = path.join(scratch, 'user-data');
  const extensionsDir = path.join(scratch, 'extensions');
  const workspace = path.join(scratch, 'examples');
  cpSync(path.join(REPO_ROOT, 'examples'), workspace, { recursive: true });
  chmodSync(path.join(workspace, FILE), 0o644); // the examples may be checked out read-only
  const env = serverEnv();
  const source = readFileSync(path.join(workspace, FILE), 'utf8');

  // The extension, into a fresh extensions folder.
  const install = spawnSync(
    CODE_SERVER,
    ['--extensions-dir', extensionsDir, '--user-data-dir', userDataDir, '--install-extension', VSIX],
    { env, encoding: 'utf8', timeout: 60_000 },
  );
  assert.equal(install.status, 0, `code-server --install-extension failed:\n${install.stdout}\n${install.stderr}`);
  assert.ok(
    readdirSync(extensionsDir).some((d) => d.startsWith('shapelint.shapelint-')),
    `the extension is installed: ${readdirSync(extensionsDir).join(', ')}`,
  );

  // User settings before the page loads: no Welcome page, no chat, no telemetry, no git.
  mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  writeFileSync(
    path.join(userDataDir, 'User', 'settings.json'),
    JSON.stringify(
      {
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
      },
      null,
      2,
    ),
  );

  // code-server in its own session, so after() can stop it with all its helpers.
  const port = await freePort();
  serverLog = path.join(scratch, 'code-server.log');
  const logFd = openSync(serverLog, 'w');
  codeServer = spawn(
    'setsid',
    [
      CODE_SERVER,
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--auth',
      'none',
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--user-data-dir',
      userDataDir,
      '--extensions-dir',
      extensionsDir,
      workspace,
    ],
    { env, stdio: ['ignore', logFd, logFd] },
  );
  closeSync(logFd);
  const base = `http://127.0.0.1:${port}`;
  let up = false;
  for (let i = 0; i < 300 && !up; i++) {
    if (codeServer.exitCode !== null) break;
    try {
      const res = await fetch(`${base}/healthz`);
      up = res.ok;
    } catch {
      await sleep(100);
    }
  }
  assert.ok(up, `code-server did not start:\n${vscodeLogs()}`);

  const chromium = playwrightChromium(TOOLS);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
  await page.goto(`${base}/?folder=${encodeURIComponent(workspace)}`);
  const editor = page.locator('.editor-instance');

  // Open the file the way a user does: double-click it in the Explorer.
  const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: FILE });
  await expectVisible(page, row, `${FILE} in the Explorer`, 60_000);
  await screenshot(page, 'workbench');
  await row.first().dblclick();
  await expectVisible(page, editor.locator('.view-line', { hasText: 'MaxPool2D' }), 'the file in an editor');

  // The squiggle sits on the first MaxPool2D line (line 13), and only there.
  const squiggle = editor.locator('.squiggly-error');
  await expectVisible(page, squiggle, 'an error squiggle (the server did not report)', 60_000);
  await screenshot(page, 'squiggle');
  const firstPool = await firstLineContaining(editor, 'MaxPool2D(');
  const squiggleBox = await squiggle.first().boundingBox();
  assert.ok(firstPool && squiggleBox, 'squiggle and line have positions');
  assert.ok(
    Math.abs(squiggleBox.y + squiggleBox.height / 2 - (firstPool.box.y + firstPool.box.height / 2)) < firstPool.box.height / 2,
    `the squiggle (y=${squiggleBox.y}) is on the first MaxPool2D line (y=${firstPool.box.y})`,
  );
  assert.equal(await squiggle.count(), 1, 'one error squiggle');

  // Problems panel.
  await page.keyboard.press('Control+Shift+M');
  const markers = page.locator('.markers-panel');
  await expectVisible(page, markers.locator('.monaco-list-row', { hasText: MESSAGE }), 'the diagnostic in the Problems panel');
  const problemText = (await markers.locator('.monaco-list-row', { hasText: MESSAGE }).first().innerText()).replace(/\s+/g, ' ');
  assert.match(problemText, /SL005|layout-mismatch/, `the Problems entry names the rule: ${problemText}`);
  await screenshot(page, 'problems');

  // Inlay hints: each layer's output shape at the end of its line.
  await expectVisible(page, editor.locator('.view-line', { hasText: '→ (' }), 'an inlay hint (→ (…))');
  const hintLine = (await editor.locator('.view-line', { hasText: '→ (' }).first().innerText()).replace(/\s+/g, ' ');
  assert.match(hintLine, /→ \(\d+/, `an inlay hint shows a shape: ${hintLine}`);

  // Hover from the server (Ctrl+K Ctrl+I), first on the Conv2D line, which has no diagnostic:
  // everything shown there comes from shapelint's hover provider.
  const conv = await firstLineContaining(editor, 'Conv2D(channels=128');
  assert.ok(conv, 'the first Conv2D line is shown');
  await goTo(page, source, 'Conv2D(channels=128');
  await page.keyboard.press('Control+K');
  await page.keyboard.press('Control+I');
  const hover = page.locator('.monaco-hover:not(.hidden)', { hasText: '128, 118, 1' });
  await expectVisible(page, hover, 'a hover with the shapes (128, 118, 1)');
  const hoverText = (await hover.first().innerText()).replace(/\s+/g, ' ');
  assert.match(hoverText, /Conv2D/, `the hover names the layer: ${hoverText}`);
  assert.match(hoverText, /output: \(32, 128, 118, 1\)/, `the hover shows the output shape: ${hoverText}`);
  assert.match(hoverText, /NCHW/, `the hover shows the layout: ${hoverText}`);
  await screenshot(page, 'hover-layer');
  await page.keyboard.press('Escape');

  // Then at the error: the problem and the shapes that caused it.
  await goTo(page, source, 'MaxPool2D(');
  await page.keyboard.press('Control+K');
  await page.keyboard.press('Control+I');
  const errorHover = page.locator('.monaco-hover:not(.hidden)', { hasText: MESSAGE });
  await expectVisible(page, errorHover, 'a hover with the error');
  assert.match((await errorHover.first().innerText()).replace(/\s+/g, ' '), /128, 118, 1/, 'the error hover shows the shapes');
  await screenshot(page, 'hover-error');
  await page.keyboard.press('Escape');

  // Quick fix: Ctrl+. on the error, choose the transpose. On a loaded machine the first Ctrl+.
  // can land before the editor has its focus back from the hover, so put the cursor on the
  // error again and retry a few times before failing.
  const widget = page.locator('.action-widget');
  for (let attempt = 0; attempt < 3; attempt++) {
    await goTo(page, source, 'MaxPool2D(');
    await page.keyboard.press('Control+.');
    const shown = await widget.first().waitFor({ state: 'visible', timeout: 8_000 }).then(() => true, () => false);
    if (shown) break;
    await page.keyboard.press('Escape');
  }
  await expectVisible(page, widget, 'the quick fix menu');
  const fix = widget.locator('.monaco-list-row', { hasText: /transpose/i });
  await expectVisible(page, fix, 'a transpose quick fix');
  await screenshot(page, 'quick-fix');
  await fix.first().click();
  await expectVisible(page, editor.locator('.view-line', { hasText: 'transpose' }), 'the fix in the editor');
  await page.keyboard.press('Control+S');

  // Saved, and the problem gone: no squiggle, nothing in the Problems panel.
  const fileOnDisk = path.join(workspace, FILE);
  let saved = '';
  for (let i = 0; i < 100 && !saved.includes(FIXED); i++) {
    saved = readFileSync(fileOnDisk, 'utf8');
    if (!saved.includes(FIXED)) await sleep(100);
  }
  assert.ok(saved.includes(FIXED), `the saved file holds ${FIXED}:\n${saved}`);
  try {
    await squiggle.first().waitFor({ state: 'detached', timeout: 20_000 });
    await markers.locator('.monaco-list-row', { hasText: MESSAGE }).first().waitFor({ state: 'detached', timeout: 20_000 });
  } catch {
    await screenshot(page, 'failed-still-an-error');
    assert.fail(`the problem is still shown after the fix:\n${vscodeLogs()}`);
  }
  await screenshot(page, 'fixed');
  assert.equal(await squiggle.count(), 0, 'no error squiggle after the fix');

  // The extension host logged no activation failure.
  const logs = vscodeLogs();
  assert.doesNotMatch(logs, /Activating extension 'shapelint\.shapelint' failed|Cannot find module|ENOENT.*\.wasm/, logs);
  console.log(`vscode test: ${((Date.now() - started) / 1000).toFixed(1)} s`);
});

/** Puts the cursor on the first occurrence of `needle` with Go to Line (Ctrl+G `line:column`). */
async function goTo(page: Page, text: string, needle: string): Promise<void> {
  const offset = text.indexOf(needle);
  assert.ok(offset >= 0, `${needle} is in the file`);
  const before = text.slice(0, offset).split('\n');
  const line = before.length;
  const column = before[before.length - 1].length + 1;
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+G');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(`:${line}:${column}`);
  await page.keyboard.press('Enter');
  await page.locator('.statusbar', { hasText: `Ln ${line}, Col ${column}` }).waitFor({ timeout: 10_000 });
}

/** The `.view-line` with the smallest top among those containing `text` (DOM order is not line order). */
async function firstLineContaining(
  editor: Locator,
  text: string,
): Promise<{ locator: Locator; box: { x: number; y: number; width: number; height: number } } | undefined> {
  const lines = editor.locator('.view-line', { hasText: text });
  let best: { locator: Locator; box: { x: number; y: number; width: number; height: number } } | undefined;
  for (let i = 0; i < (await lines.count()); i++) {
    const locator = lines.nth(i);
    const box = await locator.boundingBox();
    if (box && (!best || box.y < best.box.y)) best = { locator, box };
  }
  return best;
}
