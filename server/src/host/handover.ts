/**
 * A value one of shapelint's bundles leaves for another in the same process: bin/shapelint.js
 * starts work through the small dist/lint-process.js before the CLI bundle loads, and the two
 * bundles share no module instances, only `globalThis`. Left once, taken once.
 */
export interface Handover<T> {
  leave(value: T): void;
  /** The value left, once; undefined when none was (or it was taken). */
  take(): T | undefined;
}

export function handover<T>(name: string): Handover<T> {
  const key = Symbol.for(`shapelint.${name}`);
  const registry = globalThis as unknown as Record<symbol, T | undefined>;
  return {
    leave(value) {
      registry[key] = value;
    },
    take() {
      const value = registry[key];
      registry[key] = undefined;
      return value;
    },
  };
}
