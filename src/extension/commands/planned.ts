import * as vscode from 'vscode';
import { PLANNED_COMMANDS, type CommandId } from './commandIds';
import type { CommandHandler } from './types';

/**
 * The handler of a declared command whose feature has not landed in this build: it says so plainly,
 * rather than failing with "command not found". Such commands are hidden from the command palette.
 */
export function plannedCommand(id: CommandId): CommandHandler {
  return ({ logger }) => {
    const feature = PLANNED_COMMANDS[id] ?? id;
    logger.info(`${id} was invoked; it arrives with ${feature}, which this build does not include yet`);
    void vscode.window.showInformationMessage(`Data Labs: this build does not include ${feature} yet.`);
  };
}
