import * as vscode from 'vscode';
import { Disposable } from '../disposable';

/** A node of the Labs view. Levels, labs and checks arrive with the lab catalog. */
export type LabsTreeNode = never;

/**
 * The Labs view's data provider. Until labs are loaded it has no nodes, and VS Code shows the view's
 * welcome content from package.json (what to do first), which is what a learner should see then.
 */
export class LabsTreeProvider extends Disposable implements vscode.TreeDataProvider<LabsTreeNode> {
  private readonly changed = this.register(new vscode.EventEmitter<LabsTreeNode | undefined>());
  readonly onDidChangeTreeData = this.changed.event;

  getTreeItem(node: LabsTreeNode): vscode.TreeItem {
    return node;
  }

  getChildren(): LabsTreeNode[] {
    return [];
  }

  refresh(): void {
    this.changed.fire(undefined);
  }
}
