import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Lab } from '../../core/labs/catalog';
import { backupStamp, resetToStarter } from '../../core/labs/scaffold';
import { labFromArgument } from '../labs/labArguments';
import { labDisplayName } from '../labs/labFiles';
import type { LabService } from '../labs/labService';
import { openedLabs } from '../checks/labLocator';
import type { CommandHandler } from './types';

/** The labs opened in this workspace, for a command that needs one. */
export async function pickOpenedLab(labService: LabService, placeHolder: string): Promise<Lab | undefined> {
  const opened = (await openedLabs(labService)).map((entry) => entry.lab);
  if (opened.length === 0) {
    void vscode.window.showInformationMessage('Data Labs: no lab is open in this workspace yet. Open one with Data Labs: Open Lab...');
    return undefined;
  }
  if (opened.length === 1) return opened[0];
  const picked = await vscode.window.showQuickPick(
    opened.map((lab) => ({ label: labDisplayName(lab), lab })),
    // A webview that reloads (the brief's preview) takes focus, which must not throw the choice away.
    { placeHolder, ignoreFocusOut: true },
  );
  return picked?.lab;
}

/** Data Labs: Reset Lab... — restores the starter after a confirmation, backing up every file it replaces. */
export const resetLab: CommandHandler = async ({ labService, logger }, arg) => {
  const lab = (await labFromArgument(labService, arg)) ?? (await pickOpenedLab(labService, 'Which lab should be reset to its starter?'));
  if (!lab) return;
  const state = await labService.stateOf(lab);
  if (!state.workspaceFolder || !state.progress) {
    void vscode.window.showInformationMessage(`Data Labs: ${labDisplayName(lab)} is not open in this workspace, so there is nothing to reset.`);
    return;
  }
  const labFolder = labService.labFolderUri(state.workspaceFolder, lab, state.progress);
  const backupDir = path.join(state.workspaceFolder.uri.fsPath, '.delabs', 'backups', lab.folder, backupStamp());
  const backupRelative = path.relative(state.workspaceFolder.uri.fsPath, backupDir).split(path.sep).join('/');
  const choice = await vscode.window.showWarningMessage(
    `Reset ${labDisplayName(lab)} to its starter?`,
    { modal: true, detail: `Every starter file you changed is copied to ${backupRelative} first. Files you added are left alone.` },
    'Reset Lab',
  );
  if (choice !== 'Reset Lab') return;
  const result = await resetToStarter(path.join(lab.dir, 'starter'), labFolder.fsPath, backupDir);
  await labService.updateProgress(state.workspaceFolder, lab.manifest.id, (current) => current && { ...current, contentVersion: lab.contentVersion, scaffolded: result.scaffolded, checks: {} });
  logger.info(`Reset ${lab.folder}: ${result.restored.length} files restored, ${result.backedUp.length} backed up${result.backupDir ? ` to ${result.backupDir}` : ''}`);
  if (result.backupDir) {
    const backup = vscode.Uri.file(result.backupDir);
    void vscode.window.showInformationMessage(`Data Labs: ${labDisplayName(lab)} is back to its starter. Your versions of ${result.backedUp.length} files are in ${backupRelative}.`, 'Reveal Backup').then((picked) => {
      if (picked) void vscode.commands.executeCommand('revealInExplorer', backup);
    });
  } else {
    void vscode.window.showInformationMessage(`Data Labs: ${labDisplayName(lab)} already matched its starter; nothing needed a backup.`);
  }
};
