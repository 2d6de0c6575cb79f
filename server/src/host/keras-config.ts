/**
 * Keras' default `image_data_format`, as the file being checked would see it: the config's
 * `keras-data-format`, else the nearest project-local `keras.json` (the file's folder or an
 * ancestor: keras-mxnet projects ship one), else `$KERAS_HOME/keras.json`, else
 * `~/.keras/keras.json`, else Keras' own default `channels_last`.
 */
import * as path from 'node:path';
import type { KerasDataFormat } from '../engine/index';
import { relativeTo } from './globs';
import { isSearchBoundary, mayReadIn, readSmallFile } from './safe-read';

export interface KerasEnvironment {
  cwd: string;
  /** `$HOME`; tests set it so the machine's own files never matter. */
  home?: string;
  /** `$KERAS_HOME`. */
  kerasHome?: string;
  /** keras.json files skipped as unsafe (not regular, too large) are reported here. */
  warn?: (message: string) => void;
}

export interface KerasFormatChoice {
  format: KerasDataFormat;
  /** Human-readable origin, e.g. `examples/x/keras.json`, `~/.keras/keras.json`. */
  source: string;
  /** keras.json's `backend` (e.g. `mxnet` for keras-mxnet), when the chosen file names one. */
  backend?: string;
}

export class KerasConfigFinder {
  private readonly byDir = new Map<string, KerasFormatChoice | null>();
  private readonly global: KerasFormatChoice;

  constructor(private readonly env: KerasEnvironment) {
    this.global = this.globalChoice();
  }

  /** The choice for files in `dir`, unless the shapelint config names one (`configured`). */
  forDir(dir: string, configured?: { format: KerasDataFormat; source: string }): KerasFormatChoice {
    if (configured) return configured;
    return this.local(path.resolve(dir)) ?? this.global;
  }

  /**
   * The nearest keras.json in `dir` or its ancestors, up to the repository root or the home
   * folder, passing over world-writable folders (anyone could have put it there).
   */
  private local(dir: string): KerasFormatChoice | null {
    if (this.byDir.has(dir)) return this.byDir.get(dir)!;
    const file = path.join(dir, 'keras.json');
    const trusted = mayReadIn(dir, ['keras.json'], (f) => this.env.warn?.(`ignoring ${relativeTo(this.env.cwd, f) ?? f}: its folder is writable by every user`));
    const { format, backend } = trusted ? this.read(file) : { format: null, backend: undefined };
    const parent = path.dirname(dir);
    let result: KerasFormatChoice | null;
    if (format) result = { format, backend, source: relativeTo(this.env.cwd, file) ?? file };
    else if (parent === dir || isSearchBoundary(dir, this.env.home) || this.isGlobalFolder(parent)) result = null;
    else result = this.local(parent);
    this.byDir.set(dir, result);
    return result;
  }

  private read(file: string): ReturnType<typeof readKerasJson> {
    return readKerasJson(file, (reason) => this.env.warn?.(`skipping ${relativeTo(this.env.cwd, file) ?? file}: ${reason}`));
  }

  /** The home folder's `.keras` is the global config, not a project-local one. */
  private isGlobalFolder(dir: string): boolean {
    return !!this.env.home && path.resolve(dir) === path.resolve(this.env.home, '.keras');
  }

  private globalChoice(): KerasFormatChoice {
    if (this.env.kerasHome) {
      const { format, backend } = this.read(path.join(this.env.kerasHome, 'keras.json'));
      if (format) return { format, backend, source: '$KERAS_HOME/keras.json' };
    } else if (this.env.home) {
      const { format, backend } = this.read(path.join(this.env.home, '.keras', 'keras.json'));
      if (format) return { format, backend, source: '~/.keras/keras.json' };
    }
    return { format: 'channels_last', source: 'Keras default (no keras.json found)' };
  }
}

/** The `image_data_format` of a keras.json, or null when absent, unreadable or invalid. */
export function readFormat(file: string): KerasDataFormat | null {
  return readKerasJson(file).format;
}

/** `image_data_format` and `backend` of a keras.json; nulls when absent, unreadable, unsafe or invalid. */
export function readKerasJson(file: string, onSkip?: (reason: string) => void): { format: KerasDataFormat | null; backend?: string } {
  const read = readSmallFile(file);
  if (read.kind === 'skipped') onSkip?.(read.reason);
  if (read.kind !== 'text') return { format: null };
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(read.text) as Record<string, unknown>;
  } catch {
    return { format: null };
  }
  const v = json?.image_data_format;
  const format = v === 'channels_first' || v === 'channels_last' ? v : null;
  return { format, backend: typeof json?.backend === 'string' ? json.backend : undefined };
}
