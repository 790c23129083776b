import * as vscode from 'vscode';
import { labForCommand } from '../checks/labLocator';
import { labDisplayName } from '../labs/labFiles';
import type { CommandHandler } from './types';

/**
 * Data Labs: Run Checks — runs the checks of the lab given (a tree node or an id), else of the lab whose
 * file is in the active editor, else of a lab the learner picks; then says where the solution stands.
 */
export const runChecks: CommandHandler = async ({ labService, checkRunner, logger }, arg) => {
  const lab = await labForCommand(labService, arg, 'Run the checks of which lab?');
  if (!lab) return;
  const name = labDisplayName(lab);
  const run = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Running the checks of ${name}`, cancellable: true },
    (progress, token) => {
      const total = lab.manifest.checks.length;
      let done = 0;
      const subscription = checkRunner.onDidFinishCheck((event) => {
        if (event.lab !== lab) return;
        done += 1;
        progress.report({ message: `${done} of ${total}`, increment: 100 / total });
      });
      return checkRunner.run(lab, { reason: 'command', token }).finally(() => subscription.dispose());
    },
  );
  if (!run || run.results.length === 0) return;
  const passed = run.results.filter((result) => result.status === 'passed').length;
  const failed = run.results.filter((result) => result.status === 'failed').length;
  const couldNotRun = run.results.filter((result) => result.status === 'could-not-run');
  if (couldNotRun.length === run.results.length && couldNotRun[0]?.message === 'could not run: the run was cancelled.') return;
  if (passed === run.results.length) {
    void vscode.window.showInformationMessage(`Data Labs: all ${passed} checks of ${name} pass.`);
    return;
  }
  const parts = [`${passed} passed`, `${failed} failed`];
  if (couldNotRun.length > 0) parts.push(`${couldNotRun.length} could not run (${couldNotRun[0]?.message.replace(/^could not run: /, '')})`);
  const choice = await vscode.window.showWarningMessage(`Data Labs: ${name}: ${parts.join(', ')}.`, 'Show in Testing View', 'Show Logs');
  if (choice === 'Show in Testing View') await vscode.commands.executeCommand('workbench.view.testing.focus');
  if (choice === 'Show Logs') logger.show();
};
