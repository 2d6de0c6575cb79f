/**
 * Ties the VS Code manifest to the server: every server setting is contributed with the same
 * default, nothing else is contributed besides the client's own settings, and the activation,
 * commands and trust declarations the extension relies on are present.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_SETTINGS, parseSettings } from '../../server/src/lsp/settings';
import { REPO_ROOT } from './harness';

/** Settings only the extension reads (how to start the server), never sent to it as settings. */
const CLIENT_ONLY = ['shapelint.path', 'shapelint.trace.server', 'shapelint.diagnosticMode'];

interface Manifest {
  main: string;
  activationEvents: string[];
  capabilities: { untrustedWorkspaces: { supported: string | boolean; restrictedConfigurations?: string[] } };
  contributes: {
    configuration: { properties: Record<string, { default: unknown; type: unknown; enum?: string[] }> };
    commands: { command: string }[];
  };
}

const manifest = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as Manifest;

function flatten(o: object, prefix: string, out: Record<string, unknown> = {}): Record<string, unknown> {
  for (const [k, v] of Object.entries(o)) {
    if (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length > 0) flatten(v, `${prefix}${k}.`, out);
    else out[`${prefix}${k}`] = v;
  }
  return out;
}

test('contributed settings are exactly the server settings (plus client-only ones), with equal defaults', () => {
  const contributed = manifest.contributes.configuration.properties;
  const server = flatten(DEFAULT_SETTINGS, 'shapelint.');
  assert.deepEqual(Object.keys(contributed).filter((k) => !CLIENT_ONLY.includes(k)).sort(), Object.keys(server).sort());
  for (const [key, value] of Object.entries(server)) assert.deepEqual(contributed[key].default, value, key);
});

test('the server accepts every enum value the manifest offers, and the manifest defaults round-trip', () => {
  const fmt = manifest.contributes.configuration.properties['shapelint.kerasDataFormat'];
  for (const v of fmt.enum!) assert.equal(parseSettings({ kerasDataFormat: v }).kerasDataFormat, v);
  const version = manifest.contributes.configuration.properties['shapelint.kerasVersion'];
  for (const v of version.enum!) assert.equal(parseSettings({ kerasVersion: v }).kerasVersion, v);
  const nested: Record<string, unknown> = {};
  for (const [key, p] of Object.entries(manifest.contributes.configuration.properties)) {
    if (CLIENT_ONLY.includes(key)) continue;
    const parts = key.split('.').slice(1);
    let at = nested;
    for (const part of parts.slice(0, -1)) at = (at[part] ??= {}) as Record<string, unknown>;
    at[parts.at(-1)!] = p.default;
  }
  assert.deepEqual(parseSettings(nested), DEFAULT_SETTINGS);
});

test('diagnosticMode: Pyright\'s values, open files by default, sent as the workspaceDiagnostics initialization option', () => {
  const mode = manifest.contributes.configuration.properties['shapelint.diagnosticMode'];
  assert.deepEqual(mode.enum, ['openFilesOnly', 'workspace']);
  assert.equal(mode.default, 'openFilesOnly');
  const extension = readFileSync(path.join(REPO_ROOT, 'client', 'src', 'extension.ts'), 'utf8');
  assert.match(extension, /workspaceDiagnostics: mode === 'workspace'/);
  assert.match(extension, /affectsConfiguration\('shapelint\.diagnosticMode'\) && void restart/, 'a change restarts the server, which reads it only at start');
});

test('activation, entry point, commands and restricted mode', () => {
  assert.deepEqual(manifest.activationEvents, ['onLanguage:python', 'onNotebook:jupyter-notebook']);
  assert.equal(manifest.main, './dist/client/extension.js');
  const commands = manifest.contributes.commands.map((c) => c.command).sort();
  assert.deepEqual(commands, ['shapelint.portModel', 'shapelint.restartServer', 'shapelint.showModel', 'shapelint.showModelSummary']);
  const trust = manifest.capabilities.untrustedWorkspaces;
  assert.equal(trust.supported, 'limited');
  assert.deepEqual(trust.restrictedConfigurations, ['shapelint.path']);
  const extension = readFileSync(path.join(REPO_ROOT, 'client', 'src', 'extension.ts'), 'utf8');
  assert.match(extension, /custom && vscode\.workspace\.isTrusted/, 'shapelint.path only runs in trusted workspaces');
});

test('the package: MIT licence file, PNG icon, repository, marketplace readme for editor users', () => {
  const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as Record<string, unknown> & { scripts: Record<string, string>; repository: { url: string } };
  assert.equal(pkg.license, 'MIT');
  assert.match(readFileSync(path.join(REPO_ROOT, 'LICENSE'), 'utf8'), /^MIT License\n/);
  const icon = readFileSync(path.join(REPO_ROOT, pkg.icon as string));
  assert.deepEqual([...icon.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10], 'the icon is a PNG');
  assert.match(pkg.repository.url, /^https:\/\//);
  assert.doesNotMatch(pkg.scripts.package, /--skip-license|--allow-missing-repository/);
  const readme = pkg.scripts.package.match(/--readme-path (\S+)/)?.[1];
  assert.ok(readme, 'vsce is given the editor readme');
  const text = readFileSync(path.join(REPO_ROOT, readme), 'utf8');
  for (const image of text.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)) assert.ok(existsSync(path.join(REPO_ROOT, image[1])), image[1]);
  assert.doesNotMatch(text, /npm ci|npm test/, 'written for editor users, not for developers');
});
