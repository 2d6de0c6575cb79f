import { defineRule } from './rule';

export const unusedSuppression = defineRule({
  code: 'SL100',
  name: 'unused-suppression',
  severity: 'warning',
  summary: 'A `# noqa` or `# shapelint: ignore[...]` comment that suppresses nothing.',
  whatItDoes: 'Reports suppression comments whose codes no longer match a diagnostic on that line.',
  whyBad: 'Stale suppressions hide future errors on that line and mislead readers.',
  example: ['```python', 'x = nn.Linear(10, 2)  # noqa: SL003', '```'].join('\n'),
  fix: 'Delete the suppression comment (or the unused code in it).',
  fixSafety: 'Deleting an unused suppression is safe.',
});
