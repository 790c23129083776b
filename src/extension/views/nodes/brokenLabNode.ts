import * as vscode from 'vscode';
import type { BrokenLab } from '../../../core/labs/catalog';
import { formatProblem, type ManifestProblem } from '../../../core/labs/problemFormat';

/** One problem of a broken lab package, at its file, line and field. */
export class ProblemNode extends vscode.TreeItem {
  readonly kind = 'problem';
  readonly children = [] as const;

  constructor(problem: ManifestProblem, labDir: string) {
    super(problem.field === '' ? problem.message : `${problem.field}: ${problem.message}`, vscode.TreeItemCollapsibleState.None);
    this.description = problem.line === undefined ? problem.file : `${problem.file}:${problem.line}`;
    this.tooltip = formatProblem(problem);
    this.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.errorForeground'));
    const file = vscode.Uri.file(`${labDir}/../${problem.file}`);
    const line = Math.max(0, (problem.line ?? 1) - 1);
    this.command = { command: 'vscode.open', title: 'Open', arguments: [file, { selection: new vscode.Range(line, 0, line, 0) }] };
  }
}

/** A lab whose package cannot be read: listed with every problem, never hidden. */
export class BrokenLabNode extends vscode.TreeItem {
  readonly kind = 'broken-lab';
  readonly children: readonly ProblemNode[];

  constructor(readonly entry: BrokenLab) {
    super(`${entry.number === undefined ? '' : `${String(entry.number).padStart(2, '0')} `}${entry.title ?? entry.folder}`, vscode.TreeItemCollapsibleState.Collapsed);
    this.id = `broken:${entry.folder}`;
    this.description = `broken: ${entry.problems.length === 1 ? '1 problem' : `${entry.problems.length} problems`}`;
    this.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground'));
    this.tooltip = entry.problems.map(formatProblem).join('\n');
    this.children = entry.problems.map((problem) => new ProblemNode(problem, entry.dir));
    this.contextValue = 'lab.broken';
  }
}
