/**
 * PyTorch's train/eval mode. A module is built in training mode; `module.eval()`,
 * `module.train()` and `module.train(False)` set the mode of the module and of every submodule,
 * and `self.training` reads it. Shapes depend on it where a forward branches on it: torchvision's
 * Inception v3 and GoogLeNet run their auxiliary heads and return a tuple only in training mode.
 *
 * The mode is unknown (`self.training` is an unknown value, so both branches are explored, and
 * what a library stub finds on them stays silent) when `train(flag)` gets an unknown flag, or the
 * mode changes under a condition the interpreter does not know.
 */
import type { EvaluatedArgs } from './bind';
import { certainAt } from './dicts';
import { UNKNOWN_V, truthy, type ObjectValue, type Value } from './values';

/** `obj.training` for a PyTorch module (absent `obj.training` means the default: training). */
export function trainingAttribute(obj: ObjectValue): Value | undefined {
  if (obj.framework !== 'torch') return undefined;
  const mode = modeOf(obj);
  return mode === null ? UNKNOWN_V : { t: 'bool', v: mode };
}

/** `obj.eval()` / `obj.train(mode=True)`: sets the mode of `obj` and its submodules; false for other methods. */
export function setTrainingMode(obj: ObjectValue, name: string, args: EvaluatedArgs, uncertainDepth: number): boolean {
  if (obj.framework !== 'torch' || (name !== 'eval' && name !== 'train')) return false;
  const flag = name === 'eval' ? false : args.positional[0] ?? args.keywords.get('mode');
  const mode = typeof flag === 'boolean' ? flag : flag === undefined ? true : args.opaque ? null : truthy(flag);
  forEachModule(obj, (m) => {
    // Under an unknown condition the mode afterwards is one of two: unknown, unless it stays the same.
    const certain = certainAt(m, uncertainDepth);
    m.training = certain || modeOf(m) === mode ? mode : null;
  });
  return true;
}

function modeOf(m: ObjectValue): boolean | null {
  return m.training === undefined ? true : m.training;
}

/** `obj` and every module object reachable through its attributes and items (each once). */
function forEachModule(obj: ObjectValue, visit: (m: ObjectValue) => void, seen = new Set<ObjectValue>()): void {
  if (seen.has(obj)) return;
  seen.add(obj);
  visit(obj);
  for (const v of [...obj.attrs.values(), ...obj.items]) if (v.t === 'object' && v.framework === 'torch') forEachModule(v, visit, seen);
}
