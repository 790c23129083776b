import * as path from 'node:path';
import * as vscode from 'vscode';
import { listFiles } from '../../core/labs/contentVersion';
import { labFromArgument } from '../labs/labArguments';
import { labDisplayName } from '../labs/labFiles';
import { solutionUri } from '../labs/solutionDocuments';
import { pickOpenedLab } from './resetLab';
import type { CommandHandler } from './types';

/**
 * Data Labs: Peek Solution... — asks first, then shows each reference solution file read-only beside the
 * learner's version of it (a diff editor), or alone when the learner has no such file.
 */
export const peekSolution: CommandHandler = async ({ labService }, arg) => {
  const lab = (await labFromArgument(labService, arg)) ?? (await pickOpenedLab(labService, 'Peek at which lab\'s reference solution?'));
  if (!lab) return;
  const choice = await vscode.window.showWarningMessage(
    `Peek at the reference solution of ${labDisplayName(lab)}?`,
    { modal: true, detail: 'Working it out yourself is how the lab teaches. The solution opens read-only beside your files; nothing of yours changes.' },
    'Show Solution',
  );
  if (choice !== 'Show Solution') return;
  const state = await labService.stateOf(lab);
  const labFolder = state.workspaceFolder ? labService.labFolderUri(state.workspaceFolder, lab, state.progress) : undefined;
  const files = await listFiles(path.join(lab.dir, 'solution'));
  for (const file of files) {
    const solution = solutionUri(lab.folder, file);
    const mine = labFolder ? vscode.Uri.joinPath(labFolder, ...file.split('/')) : undefined;
    const exists = mine ? await vscode.workspace.fs.stat(mine).then(() => true, () => false) : false;
    if (mine && exists) {
      await vscode.commands.executeCommand('vscode.diff', mine, solution, `${file}: yours ↔ reference solution`, { preview: false });
    } else {
      await vscode.window.showTextDocument(solution, { preview: false, viewColumn: vscode.ViewColumn.Beside });
    }
  }
};
