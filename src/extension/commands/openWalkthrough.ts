import * as vscode from 'vscode';
import type { CommandHandler } from './types';

/** Data Labs: Get Started — opens the walkthrough contributed in package.json. */
export const openWalkthrough: CommandHandler = async ({ context }) => {
  await vscode.commands.executeCommand(
    'workbench.action.openWalkthrough',
    `${context.extension.id}#delabs.gettingStarted`,
    false,
  );
};
