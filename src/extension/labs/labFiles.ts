import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Lab } from '../../core/labs/catalog';

/** Opens a scaffolded lab as a learner starts on it: its main files, and the brief in preview beside them. */
export async function showLabFiles(lab: Lab, labFolder: vscode.Uri): Promise<void> {
  const [main, ...others] = lab.manifest.scaffold.open;
  for (const file of others.reverse()) {
    await vscode.window.showTextDocument(vscode.Uri.joinPath(labFolder, ...file.split('/')), { preview: false, preserveFocus: true, viewColumn: vscode.ViewColumn.One });
  }
  if (main !== undefined) {
    await vscode.window.showTextDocument(vscode.Uri.joinPath(labFolder, ...main.split('/')), { preview: false, viewColumn: vscode.ViewColumn.One });
  }
  await vscode.commands.executeCommand('markdown.showPreviewToSide', vscode.Uri.file(path.join(lab.dir, 'README.md')));
}

/** A lab's name as the learner sees it everywhere: "07 PostgreSQL analytics schema". */
export function labDisplayName(lab: Lab): string {
  return `${String(lab.manifest.number).padStart(2, '0')} ${lab.manifest.title}`;
}
