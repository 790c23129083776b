import * as vscode from 'vscode';
import type { CommandHandler } from './types';

/**
 * Data Labs: Format SQL — formats the active SQL document (or the selection) through our language
 * server, whatever other SQL formatter is installed and set as default.
 */
export const formatSql: CommandHandler = async ({ sqlClient, logger }) => {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== 'sql') {
    void vscode.window.showInformationMessage('Data Labs: open a SQL file to format it.');
    return;
  }
  const range = editor.selection.isEmpty ? undefined : editor.selection;
  const edits = await sqlClient.format(editor.document, editor.options, range);
  if (edits.length === 0) {
    logger.debug(`Format SQL: ${editor.document.uri.toString()} is already formatted`);
    return;
  }
  const workspaceEdit = new vscode.WorkspaceEdit();
  workspaceEdit.set(editor.document.uri, edits);
  const applied = await vscode.workspace.applyEdit(workspaceEdit);
  if (!applied) {
    void vscode.window.showWarningMessage('Data Labs: the SQL could not be formatted because the file changed meanwhile; try again.');
  }
};
