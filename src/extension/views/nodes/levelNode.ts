import * as vscode from 'vscode';
import type { Level } from '../../../core/labs/labSchema';
import type { LabsTreeNode } from '../labsTreeProvider';

/** A level of the curriculum: its labs, and how many of them are passed. */
export class LevelNode extends vscode.TreeItem {
  readonly kind = 'level';

  constructor(
    readonly level: Level | undefined,
    readonly children: readonly LabsTreeNode[],
    passed: number,
    anyOpened: boolean,
  ) {
    super(
      level ? `${level.number}. ${level.title}` : 'Broken labs',
      children.length === 0 ? vscode.TreeItemCollapsibleState.None : anyOpened ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed,
    );
    const labs = children.filter((child) => child.kind === 'lab').length;
    this.id = level ? `level:${level.number}` : 'level:broken';
    this.description = children.length === 0 ? 'no labs yet' : level ? `${passed}/${labs} passed` : `${children.length}`;
    this.tooltip = level ? new vscode.MarkdownString().appendText(level.goal) : 'Labs whose package cannot be read; the log lists every problem.';
    this.iconPath = new vscode.ThemeIcon(level ? (labs > 0 && passed === labs ? 'pass-filled' : 'layers') : 'error');
    this.contextValue = 'level';
  }
}
