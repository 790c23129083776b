import * as path from 'node:path';
import type * as vscode from 'vscode';
import type { Lab } from '../../core/labs/catalog';
import type { LabService } from '../labs/labService';

export interface OpenedLab {
  readonly lab: Lab;
  readonly workspaceFolder: vscode.WorkspaceFolder;
  readonly labFolder: vscode.Uri;
}

/** Every lab scaffolded in this workspace, with where its files are. */
export async function openedLabs(labService: LabService): Promise<OpenedLab[]> {
  const catalog = await labService.getCatalog();
  const opened: OpenedLab[] = [];
  for (const entry of catalog.entries) {
    if (entry.status !== 'ok') continue;
    const state = await labService.stateOf(entry);
    if (!state.workspaceFolder || !state.progress) continue;
    opened.push({ lab: entry, workspaceFolder: state.workspaceFolder, labFolder: labService.labFolderUri(state.workspaceFolder, entry, state.progress) });
  }
  return opened;
}

/** The opened lab whose folder holds `uri`, if any. */
export async function labContaining(labService: LabService, uri: vscode.Uri): Promise<OpenedLab | undefined> {
  if (uri.scheme !== 'file') return undefined;
  const file = uri.fsPath;
  return (await openedLabs(labService)).find((entry) => file === entry.labFolder.fsPath || file.startsWith(entry.labFolder.fsPath + path.sep));
}
