/**
 * playwright-core for the browser tests (code-server, the SVG diagram): installed by
 * scripts/setup-vscode-test.sh into .test-tools/playwright (not a devDependency: installing
 * shapelint, as pre-commit does, must not pull in editor-test tools). These are the few of its
 * types the tests use.
 */
import { createRequire } from 'node:module';
import * as path from 'node:path';

type Box = { x: number; y: number; width: number; height: number };
type WaitOptions = { state?: 'visible' | 'detached' | 'attached' | 'hidden'; timeout?: number };

export interface Locator {
  first(): Locator;
  nth(index: number): Locator;
  locator(selector: string, options?: { hasText?: string | RegExp }): Locator;
  filter(options: { hasText?: string | RegExp }): Locator;
  waitFor(options?: WaitOptions): Promise<void>;
  innerText(): Promise<string>;
  count(): Promise<number>;
  boundingBox(): Promise<Box | null>;
  click(options?: object): Promise<void>;
  dblclick(options?: object): Promise<void>;
  fill(value: string): Promise<void>;
  getAttribute(name: string): Promise<string | null>;
  isVisible(): Promise<boolean>;
}

export interface FrameLocator {
  locator(selector: string, options?: { hasText?: string | RegExp }): Locator;
  frameLocator(selector: string): FrameLocator;
}

export interface Page {
  goto(url: string): Promise<unknown>;
  locator(selector: string, options?: { hasText?: string | RegExp }): Locator;
  screenshot(options: { path: string; fullPage?: boolean }): Promise<unknown>;
  frameLocator(selector: string): FrameLocator;
  setContent(html: string): Promise<void>;
  evaluate<T>(fn: () => T): Promise<T>;
  close(): Promise<void>;
  keyboard: { press(key: string): Promise<void>; type(text: string): Promise<void> };
  mouse: { move(x: number, y: number): Promise<void>; click(x: number, y: number): Promise<void> };
}

export interface Browser {
  newPage(options?: { viewport?: { width: number; height: number }; colorScheme?: 'light' | 'dark' }): Promise<Page>;
  close(): Promise<void>;
}

export interface Chromium {
  launch(options: { executablePath: string; headless: boolean; args: string[] }): Promise<Browser>;
}

/** The installed playwright-core's `chromium`; throws when setup has not run. */
export function playwrightChromium(tools: string): Chromium {
  const req = createRequire(path.join(tools, 'playwright', 'package.json'));
  return (req('playwright-core') as { chromium: Chromium }).chromium;
}

/** Whether setup installed playwright-core under `tools`. */
export function hasPlaywright(tools: string): boolean {
  try {
    createRequire(path.join(tools, 'playwright', 'package.json')).resolve('playwright-core');
    return true;
  } catch {
    return false;
  }
}

/**
 * Debian's headless Chromium as the tests drive it: without the background-networking flags it
 * tries hosts this machine's closed network refuses, many at a time.
 */
export function launchChromium(tools: string, executablePath: string): Promise<Browser> {
  return playwrightChromium(tools).launch({
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}
