import * as vscode from 'vscode';
import type { CheckDefinition } from '../../../core/labs/labSchema';
import type { CheckRecord } from '../../../core/labs/progress';

const OUTCOME = {
  passed: { text: 'passed', icon: 'pass', color: 'testing.iconPassed' },
  failed: { text: 'failed', icon: 'error', color: 'testing.iconFailed' },
  'could-not-run': { text: 'could not run', icon: 'circle-slash', color: 'list.warningForeground' },
} as const;

/** One check of a lab, with its last outcome (or "not run"). */
export class CheckNode extends vscode.TreeItem {
  readonly kind = 'check';
  /** The lab commands (Run Checks) read it from the node. */
  readonly labId: string;

  constructor(labId: string, check: CheckDefinition, record: CheckRecord | undefined, running = false) {
    super(check.title, vscode.TreeItemCollapsibleState.None);
    const look = record ? OUTCOME[record.outcome] : undefined;
    this.id = `check:${labId}:${check.id}`;
    this.labId = labId;
    this.description = running ? 'running' : look ? look.text : 'not run';
    this.iconPath = running
      ? new vscode.ThemeIcon('loading~spin')
      : look
        ? new vscode.ThemeIcon(look.icon, new vscode.ThemeColor(look.color))
        : new vscode.ThemeIcon('circle-outline');
    this.tooltip = new vscode.MarkdownString().appendMarkdown(`\`${check.id}\` · ${check.kind}\n\n`).appendText(record?.message ?? check.title);
    this.contextValue = 'check';
    this.accessibilityInformation = { label: `${check.title}, ${String(this.description)}` };
  }
}
