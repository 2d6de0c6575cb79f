// ESLint guards the architecture (tsc checks the types): the engine stays pure, no module
// imports itself back through a cycle (type-only imports are erased, so they may), `require`
// is an explained exception, and every `eslint-disable` comment must still be needed.
import { builtinModules } from 'node:module';
import { defineConfig } from 'eslint/config';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

// The engine knows nothing of the machine, the terminal or the editor protocol (ARCHITECTURE.md).
const ENGINE_PURITY = {
  paths: builtinModules.map((name) => ({ name, message: 'The engine does no I/O: Node built-ins belong in host/.' })),
  patterns: [
    { regex: '^node:', message: 'The engine does no I/O: Node built-ins belong in host/.' },
    { regex: '^vscode(-|$)', message: 'The engine knows nothing of LSP or VS Code: that is lsp/ and client/.' },
    { regex: '(^|/)(host|cli|lsp)(/|$)', message: 'The engine is imported by host/, cli/ and lsp/, never the other way.' },
  ],
};

export default defineConfig(
  { ignores: ['out/', 'dist/', 'node_modules/', '.oracle-venv/', '.test-tools/', '.vscode-test/'] },
  {
    files: ['**/*.ts'],
    languageOptions: { parser: tseslint.parser },
    plugins: { '@typescript-eslint': tseslint.plugin, 'import-x': importX },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    settings: {
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.json'] })],
    },
    rules: {
      '@typescript-eslint/no-require-imports': 'error',
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
  {
    files: ['server/src/engine/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', ENGINE_PURITY] },
  },
);
