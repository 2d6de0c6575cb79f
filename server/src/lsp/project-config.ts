/**
 * Project files that change a document's analysis, read with the CLI's own resolvers so the
 * editor and `shapelint check` agree: the closest shapelint config (`.shapelint.toml`,
 * `shapelint.toml`, `[tool.shapelint]` in `pyproject.toml`) and the `keras.json` Keras would
 * read. Cached per folder; the server drops the caches when a watched file changes.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigResolver, isExcluded, lintSettingsFor, type LoadedConfig } from '../host/config';
import { KerasConfigFinder } from '../host/keras-config';
import { KerasPinFinder } from '../host/keras-pins';
import type { LintSettings } from '../host/lint';
import { projectSpecFor, type ProjectSpec } from '../host/project';
import { localPath } from './documents';

export const WATCHED_CONFIG_GLOBS = ['**/pyproject.toml', '**/shapelint.toml', '**/.shapelint.toml', '**/keras.json', '**/requirements*.txt', '**/setup.cfg'];

export interface ProjectSettings extends LintSettings {
  /** The file matches the config's `exclude`: the CLI would not check it, so neither do we. */
  excluded?: boolean;
  /** Where the file sits in its project: its imports of project modules and stubs are followed. */
  project?: ProjectSpec;
}

export class ProjectConfig {
  private resolver: ConfigResolver | null = null;
  private keras: KerasConfigFinder | null = null;
  private pins: KerasPinFinder | null = null;
  /**
   * Whether a file is excluded, per loaded config (it depends on nothing else; configs are kept per
   * folder until `clear`): an edited module's 50 dependents matched every exclude glob at each edit.
   */
  private excluded = new WeakMap<LoadedConfig, Map<string, boolean>>();

  constructor(
    private readonly cwd: () => string,
    private readonly log: (message: string) => void,
  ) {}

  /** `byFolder`: import roots already found by folder in this batch or pass (see `projectSpecFor`). */
  forDocument(uri: string, byFolder?: Map<string, string[]>): ProjectSettings {
    const file = localPath(uri);
    if (!file) return {};
    const dir = path.dirname(file);
    this.resolver ??= new ConfigResolver({ cwd: this.cwd(), home: os.homedir(), warn: (m) => this.log(`shapelint: ${m}`) });
    this.keras ??= new KerasConfigFinder({ cwd: this.cwd(), home: os.homedir(), kerasHome: process.env.KERAS_HOME, warn: (m) => this.log(`shapelint: ${m}`) });
    let settings: ProjectSettings = {};
    try {
      const config = this.resolver.forDir(dir);
      settings = { ...lintSettingsFor(config, file), excluded: this.isExcluded(config, file), project: projectSpecFor(file, config.values.src, byFolder) };
      const configured = config.values.kerasDataFormat
        ? { format: config.values.kerasDataFormat, source: config.file ?? 'shapelint config' }
        : undefined;
      const keras = this.keras.forDir(dir, configured);
      settings.kerasDataFormat = keras.format;
      settings.kerasDataFormatSource = keras.source;
      settings.kerasBackend = keras.backend;
      this.pins ??= new KerasPinFinder(this.cwd(), os.homedir());
      const versions = this.pins.forDir(dir, config.values.kerasVersion, `${config.file ?? 'shapelint config'} (keras-version)`);
      if (versions.versions) settings.kerasVersions = versions.versions;
      if (versions.source) settings.kerasVersionSource = versions.source;
    } catch (e) {
      // A broken config must not stop the editor: analyse with defaults and say why in the log.
      this.log(`shapelint: ${e instanceof Error ? e.message : String(e)}`);
    }
    return settings;
  }

  private isExcluded(config: LoadedConfig, file: string): boolean {
    let files = this.excluded.get(config);
    if (!files) this.excluded.set(config, (files = new Map()));
    let excluded = files.get(file);
    if (excluded === undefined) files.set(file, (excluded = isExcluded(config, file)));
    return excluded;
  }

  clear(): void {
    this.resolver = null;
    this.keras = null;
    this.pins = null;
  }
}
