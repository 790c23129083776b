import assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { COMMAND_IDS } from '../../../src/extension/commands/commandIds';

const EXTENSION_ID = 'data-eng-labs.data-eng-labs';

describe('Data Engineering Labs in the extension host', () => {
  it('activates and reports its own activation time', async () => {
    const extension = vscode.extensions.getExtension<{ activationMs: number }>(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not installed`);
    const api = await extension.activate();
    assert.equal(typeof api.activationMs, 'number');
  });

  it('registers every command it declares', async () => {
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.deepEqual(COMMAND_IDS.filter((id) => !registered.has(id)), []);
  });

  it('formats a SQL document through the language server', async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder);
    const document = await vscode.workspace.openTextDocument(path.join(folder.uri.fsPath, 'query.sql'));
    const editor = await vscode.window.showTextDocument(document);
    editor.options = { tabSize: 2, insertSpaces: true };
    await vscode.commands.executeCommand('delabs.sql.format');
    assert.equal(document.getText(), 'SELECT\n  id,\n  name\nFROM\n  users\nWHERE\n  active;\n');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });
});
