/** `npm run docs:rules`: writes docs/rules/ from the rule registry (and removes stale pages). */
import { mkdirSync, readdirSync, unlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { generatedRuleDocs } from './rule-docs';

export function writeRuleDocs(dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const files = generatedRuleDocs();
  for (const old of readdirSync(dir)) if (old.endsWith('.md') && !files.has(old)) unlinkSync(path.join(dir, old));
  for (const [name, text] of files) writeFileSync(path.join(dir, name), text);
  return [...files.keys()];
}

if (require.main === module) {
  const dir = path.resolve(process.argv[2] ?? path.join(__dirname, '..', '..', '..', '..', 'docs', 'rules'));
  const written = writeRuleDocs(dir);
  process.stdout.write(`wrote ${written.length} files to ${path.relative(process.cwd(), dir) || '.'}\n`);
}
