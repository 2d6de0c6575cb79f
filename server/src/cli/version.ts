/** shapelint's version, from package.json (found from the compiled or bundled file). */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

let cached: string | undefined;

export function shapelintVersion(): string {
  if (cached) return cached;
  for (const up of [['..', '..', '..', '..'], ['..']]) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(__dirname, ...up, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'shapelint' && pkg.version) return (cached = pkg.version);
    } catch {
      /* try the next layout */
    }
  }
  return (cached = '0.0.0');
}
