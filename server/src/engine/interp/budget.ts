/**
 * The interpreter's step budget ran out. Thrown by `Interpreter.tick()` and caught only by
 * `Interpreter.run()`, which marks the result `truncated`; every other catch must rethrow it
 * (match with `instanceof`, since the class is the one thing both sides share).
 */
export class BudgetExceeded extends Error {
  override readonly name = 'BudgetExceeded';
}
