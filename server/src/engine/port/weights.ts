/** `--with-weights`: a Python function that loads the source framework's saved weights into the port. */
import type { PortFramework } from './ir';
import type { Plan } from './plan';

export function weightLoader(_plan: Plan, _to: PortFramework): string | null {
  return null;
}
