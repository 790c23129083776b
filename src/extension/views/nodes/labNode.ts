import * as vscode from 'vscode';
import type { Lab } from '../../../core/labs/catalog';
import type { LabStatus } from '../../../core/labs/progress';
import { labDisplayName } from '../../labs/labFiles';
import type { CheckNode } from './checkNode';
import type { ServiceNode } from './serviceNode';

const STATUS: Readonly<Record<LabStatus, { text: string; icon: string; color?: string }>> = {
  'not-started': { text: 'not started', icon: 'circle-large-outline' },
  'in-progress': { text: 'in progress', icon: 'circle-large-filled', color: 'charts.blue' },
  passed: { text: 'passed', icon: 'pass-filled', color: 'testing.iconPassed' },
  'passed-on-older-version': { text: 'passed before the lab changed: run its checks again', icon: 'warning', color: 'list.warningForeground' },
};

/** A lab: its status, and its checks as children. `labId` is what the lab commands read from a node. */
export class LabNode extends vscode.TreeItem {
  readonly kind = 'lab';
  readonly labId: string;

  constructor(
    readonly lab: Lab,
    readonly status: LabStatus,
    readonly children: ReadonlyArray<CheckNode | ServiceNode>,
  ) {
    super(labDisplayName(lab), vscode.TreeItemCollapsibleState.Collapsed);
    const { manifest } = lab;
    const look = STATUS[status];
    this.labId = manifest.id;
    this.id = `lab:${manifest.id}`;
    this.description = look.text;
    this.iconPath = new vscode.ThemeIcon(look.icon, look.color ? new vscode.ThemeColor(look.color) : undefined);
    this.tooltip = new vscode.MarkdownString()
      .appendMarkdown(`**${labDisplayName(lab)}** · ${manifest.estimatedMinutes} min\n\n`)
      .appendText(manifest.summary)
      .appendMarkdown(`\n\nSkills: ${manifest.skills.join(', ')}`);
    this.contextValue = status === 'not-started' ? 'lab' : 'lab.opened';
    this.accessibilityInformation = { label: `${labDisplayName(lab)}, ${look.text}` };
  }
}
