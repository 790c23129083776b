/** A check run as text for a terminal: one line per check, then what failed and why, then a summary. */
import type { CheckResult, LabRunResult } from './types';

const MARK = { passed: '✔', failed: '✖', 'could-not-run': '!' } as const;

function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((line) => `${prefix}${line}`)
    .join('\n');
}

/** The details shown under a check that did not pass. */
export function describeResult(result: CheckResult): string {
  const lines: string[] = [`    ${result.message}`];
  if (result.location) lines.push(`    at ${result.location.file}:${result.location.line}${result.location.column ? `:${result.location.column}` : ''}`);
  if (result.expected !== undefined) lines.push('    expected:', indent(result.expected, '      '));
  if (result.actual !== undefined) lines.push('    actual:', indent(result.actual, '      '));
  if (result.hint) lines.push(`    hint: ${result.hint}`);
  return lines.join('\n');
}

export interface RunSummary {
  readonly passed: number;
  readonly failed: number;
  readonly couldNotRun: number;
}

export function summarise(run: LabRunResult): RunSummary {
  return {
    passed: run.results.filter((result) => result.status === 'passed').length,
    failed: run.results.filter((result) => result.status === 'failed').length,
    couldNotRun: run.results.filter((result) => result.status === 'could-not-run').length,
  };
}

export function summaryLine(summary: RunSummary): string {
  const parts = [`${summary.passed} passed`, `${summary.failed} failed`];
  if (summary.couldNotRun > 0) parts.push(`${summary.couldNotRun} could not run`);
  return parts.join(', ');
}

/** The whole report: `title` names the lab. */
export function formatRun(title: string, run: LabRunResult): string {
  const out: string[] = [`${title}`, ''];
  for (const result of run.results) {
    out.push(`${MARK[result.status]} ${result.id}: ${result.title} (${(result.durationMs / 1000).toFixed(1)} s)`);
    if (result.status !== 'passed') out.push(describeResult(result));
  }
  out.push('', `${summaryLine(summarise(run))} in ${(run.durationMs / 1000).toFixed(1)} s`);
  return `${out.join('\n')}\n`;
}
