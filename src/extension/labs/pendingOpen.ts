import * as vscode from 'vscode';
import type { Logger } from '../logger';
import type { LabService } from './labService';
import { showLabFiles } from './labFiles';

const PENDING_OPEN_KEY = 'delabs.pendingOpen';

interface PendingOpen {
  readonly labId: string;
  readonly labFolder: string;
}

/**
 * A lab opened with no folder open is scaffolded first, then VS Code opens the folder, which restarts the
 * extension; what to show after the restart is remembered here.
 */
export async function rememberPendingOpen(context: vscode.ExtensionContext, pending: PendingOpen): Promise<void> {
  await context.globalState.update(PENDING_OPEN_KEY, pending);
}

export async function resumePendingOpen(context: vscode.ExtensionContext, labService: LabService, logger: Logger): Promise<void> {
  const pending = context.globalState.get<PendingOpen>(PENDING_OPEN_KEY);
  if (!pending) return;
  const labFolder = vscode.Uri.file(pending.labFolder);
  const inWorkspace = vscode.workspace.getWorkspaceFolder(labFolder);
  if (!inWorkspace) return;
  await context.globalState.update(PENDING_OPEN_KEY, undefined);
  const lab = await labService.findLab(pending.labId);
  if (!lab) {
    logger.warn(`The lab ${pending.labId} opened before the restart is no longer in the catalog`);
    return;
  }
  await showLabFiles(lab, labFolder);
}
