/** The output formats, by name. */
import type { RunReport } from '../report';
import { renderConcise, renderFull } from './full';
import { renderGithub } from './github';
import { renderGitlab } from './gitlab';
import { renderJson, renderJsonLines } from './json';
import { renderJunit } from './junit';
import { renderSarif } from './sarif';

export const OUTPUT_FORMATS = ['full', 'concise', 'json', 'json-lines', 'github', 'gitlab', 'sarif', 'junit'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export function isOutputFormat(s: string): s is OutputFormat {
  return (OUTPUT_FORMATS as readonly string[]).includes(s);
}

/** Whether the format is for people (footer, warnings welcome) rather than programs. */
export function isHumanFormat(f: OutputFormat): boolean {
  return f === 'full' || f === 'concise';
}

export function render(format: OutputFormat, report: RunReport, version: string): string {
  switch (format) {
    case 'full':
      return renderFull(report);
    case 'concise':
      return renderConcise(report);
    case 'json':
      return renderJson(report);
    case 'json-lines':
      return renderJsonLines(report);
    case 'github':
      return renderGithub(report);
    case 'gitlab':
      return renderGitlab(report);
    case 'sarif':
      return renderSarif(report, version);
    case 'junit':
      return renderJunit(report);
  }
}
