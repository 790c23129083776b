import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Lab } from '../../core/labs/catalog';
import { labFromArgument } from '../labs/labArguments';
import type { LabService } from '../labs/labService';
import { pickOpenedLab } from '../commands/resetLab';

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

/**
 * The opened lab whose folder holds `uri`, if any. It looks in the progress files first, so a file of no
 * lab (every editor the status bar and the CodeLens see) costs no catalog load.
 */
export async function labContaining(labService: LabService, uri: vscode.Uri): Promise<OpenedLab | undefined> {
  if (uri.scheme !== 'file') return undefined;
  const file = uri.fsPath;
  for (const { folder, data } of await labService.getProgress()) {
    for (const [id, progress] of Object.entries(data?.labs ?? {})) {
      const labFolder = vscode.Uri.joinPath(folder.uri, ...progress.folder.split('/'));
      if (file !== labFolder.fsPath && !file.startsWith(labFolder.fsPath + path.sep)) continue;
      const lab = await labService.findLab(id);
      if (lab) return { lab, workspaceFolder: folder, labFolder };
    }
  }
  return undefined;
}

/** The lab a command acts on: the one it was given (a tree node or an id), else the active editor's, else one the learner picks. */
export async function labForCommand(labService: LabService, arg: unknown, placeHolder: string): Promise<Lab | undefined> {
  const active = vscode.window.activeTextEditor?.document.uri;
  return (
    (await labFromArgument(labService, arg)) ??
    (active ? (await labContaining(labService, active))?.lab : undefined) ??
    (await pickOpenedLab(labService, placeHolder))
  );
}
