/**
 * shapelint's version, from package.json (tsc emits it beside the compiled files, esbuild
 * inlines it into the bundle), so the CLI's `--version`, SARIF's driver and the language
 * server's `serverInfo` share the one number.
 */
import { version } from '../../../package.json';

export function shapelintVersion(): string {
  return version;
}
