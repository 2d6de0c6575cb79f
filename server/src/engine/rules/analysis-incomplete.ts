import type { RuleDoc } from './rule';

export const analysisIncomplete: RuleDoc = {
  code: 'SL101',
  name: 'analysis-incomplete',
  severity: 'info',
  summary: "The file's analysis ran out of its time or step budget; code after the flagged statement was not fully checked.",
  whatItDoes:
    'Every file is analysed within budgets, so that no input can hang or exhaust the checker: a time budget ' +
    '(`time-budget`, 5 s by default) and a step budget (`step-budget`, 2,000,000 steps: statements, expressions, ' +
    'and the work of builtins and operators, so `sum(x)` over n items costs n). When one runs out, the analysis ' +
    'stops at the flagged statement (line 1 when it stopped before running any code), still checks the models ' +
    'defined so far, and reports this note naming the budget. Findings made before the stop are kept.',
  whyBad:
    'Code after the flagged statement was not analysed, so a shape error there may be missing from the report. ' +
    'It is not an error in your program.',
  example: [
    '```python',
    'weights = [0.1] * 10_000',
    'for step in range(500):  # info: the step budget (2,000,000 steps) ran out here',
    '    out = model(torch.randn(8, 20))  # runs the model: every iteration is analysed',
    '    norm = sum(weights)              # 10,000 steps each time',
    '```',
  ].join('\n'),
  fix:
    'Raise `time-budget` or `step-budget` in `[tool.shapelint]` (see docs/ci.md), or move heavy computations ' +
    'that do not build models out of the model file.',
  fixSafety: 'There is no automatic fix.',
};
