/**
 * The `shapelint` settings section, read per document through `workspace/configuration` and
 * cached until the client says the configuration changed. Every value is validated: a client
 * may send anything, and a bad setting must degrade to the default, never crash the server.
 */
import type { KerasDataFormat } from '../engine/index';
import { KERAS_VERSION_SETTINGS, type KerasVersionSetting } from '../host/keras-pins';

export interface ServerSettings {
  select: string[];
  ignore: string[];
  /** `auto` means: from the project's keras.json/config, else Keras' default (channels_last). */
  kerasDataFormat: KerasDataFormat | 'auto';
  /** `auto` means: from the project config's keras-version, else the project's pins. */
  kerasVersion: KerasVersionSetting;
  inputShapes: Record<string, (number | null)[]>;
  inlayHints: { enabled: boolean };
}

/** The setting keys and defaults; package.json `contributes.configuration` must match (tested). */
export const DEFAULT_SETTINGS: ServerSettings = {
  select: [],
  ignore: [],
  kerasDataFormat: 'auto',
  kerasVersion: 'auto',
  inputShapes: {},
  inlayHints: { enabled: true },
};

export function parseSettings(raw: unknown): ServerSettings {
  const o = isRecord(raw) ? raw : {};
  const hints = isRecord(o.inlayHints) ? o.inlayHints : {};
  return {
    select: stringList(o.select),
    ignore: stringList(o.ignore),
    kerasDataFormat: o.kerasDataFormat === 'channels_first' || o.kerasDataFormat === 'channels_last' ? o.kerasDataFormat : 'auto',
    kerasVersion: KERAS_VERSION_SETTINGS.find((v) => v === String(o.kerasVersion)) ?? 'auto',
    inputShapes: shapeMap(o.inputShapes),
    inlayHints: { enabled: typeof hints.enabled === 'boolean' ? hints.enabled : true },
  };
}

function stringList(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function shapeMap(v: unknown): Record<string, (number | null)[]> {
  const out: Record<string, (number | null)[]> = {};
  if (!isRecord(v)) return out;
  for (const [name, dims] of Object.entries(v)) {
    if (!Array.isArray(dims)) continue;
    if (!dims.every((d) => d === null || (Number.isInteger(d) && d >= 0))) continue;
    out[name] = dims as (number | null)[];
  }
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Per-URI settings cache; `fetch` asks the client, or returns defaults when it cannot. */
export class SettingsCache {
  private readonly cache = new Map<string, Promise<ServerSettings>>();
  /** Bumped on every change so cached analyses can tell they are stale. */
  generation = 0;

  constructor(private readonly fetch: (uri: string) => Promise<unknown>) {}

  get(uri: string): Promise<ServerSettings> {
    let s = this.cache.get(uri);
    if (!s) {
      s = this.fetch(uri).then(parseSettings, () => parseSettings(undefined));
      this.cache.set(uri, s);
    }
    return s;
  }

  forget(uri: string): void {
    this.cache.delete(uri);
  }

  clear(): void {
    this.cache.clear();
    this.generation++;
  }
}
