/**
 * smol-toml ships a CommonJS build, but its type declarations are ESM-only, which a
 * CommonJS TypeScript project cannot import; this module states the one function we use.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the ESM-only typings (above) cannot be imported
const toml = require('smol-toml') as { parse(text: string): Record<string, unknown> };

export function parseToml(text: string): Record<string, unknown> {
  return toml.parse(text);
}
