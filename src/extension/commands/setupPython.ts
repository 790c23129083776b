import * as path from 'node:path';
import * as vscode from 'vscode';
import { createLabEnvironment, interpreterForLab, labVenvDir, LAB_VENV_FOLDER, PythonSetupCancelledError, type LabEnvironment } from '../../core/python/pythonEnvironment';
import { labForCommand } from '../checks/labLocator';
import { labDisplayName } from '../labs/labFiles';
import { isPythonExtensionInstalled, pythonExtensionInterpreter, useInterpreterInPythonExtension } from '../python/pythonExtension';
import type { CommandHandler } from './types';

const USE_INTERPRETER = 'Use This Interpreter';

/**
 * Data Labs: Set Up Python Environment — makes the lab's virtual environment (.venv in its folder) and
 * installs its requirements with pip, showing pip's progress; the lab's checks then run with it.
 */
export const setupPython: CommandHandler = async ({ labService, config, logger }, arg) => {
  const lab = await labForCommand(labService, arg, 'Set up the Python environment of which lab?');
  if (!lab) return;
  const name = labDisplayName(lab);
  const requirements = lab.manifest.python?.requirements;
  if (!requirements) {
    void vscode.window.showInformationMessage(`Data Labs: ${name} needs no Python packages, so it has no Python environment to set up.`);
    return;
  }
  const state = await labService.stateOf(lab);
  if (!state.workspaceFolder || !state.progress) {
    throw new Error(`${name} is not open in this workspace yet: open it with Data Labs: Open Lab..., then set up its Python environment`);
  }
  const folder = state.workspaceFolder;
  const labFolder = labService.labFolderUri(folder, lab, state.progress);
  const requirementsFile = path.join(labFolder.fsPath, ...requirements.split('/'));
  const requirementsExists = await vscode.workspace.fs.stat(vscode.Uri.file(requirementsFile)).then(() => true, () => false);
  if (!requirementsExists) {
    throw new Error(`${name} has no ${requirements} in its folder any more: restore it (Data Labs: Reset Lab... brings back the starter), then try again`);
  }

  const venvDir = labVenvDir(labFolder.fsPath);
  let recreate = false;
  if (await vscode.workspace.fs.stat(vscode.Uri.file(venvDir)).then(() => true, () => false)) {
    const choice = await vscode.window.showWarningMessage(
      `${name} already has a Python environment in ${LAB_VENV_FOLDER}.`,
      { modal: true, detail: `Recreate deletes it and makes a new one. Install Requirements installs the packages of ${requirements} into it.` },
      'Recreate',
      'Install Requirements',
    );
    if (!choice) return;
    recreate = choice === 'Recreate';
  }

  let environment: LabEnvironment;
  try {
    environment = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Setting up the Python environment of ${name}`, cancellable: true },
      async (progress, token) => {
        const controller = new AbortController();
        const subscription = token.onCancellationRequested(() => controller.abort());
        try {
          // The Python the environment is made from: never the lab's own .venv, which this may replace.
          const configured = config.settings.pythonInterpreterPath;
          if (!configured && isPythonExtensionInstalled()) progress.report({ message: 'Asking the Python extension which interpreter is selected' });
          const python = interpreterForLab({
            configured,
            labFolder: labFolder.fsPath,
            labVenvExists: false,
            pythonExtension: configured ? undefined : await pythonExtensionInterpreter(labFolder, logger),
          });
          logger.info(`Setting up the Python environment of ${name} in ${venvDir} with ${python}${recreate ? ' (recreating it)' : ''}`);
          return await createLabEnvironment({
            python,
            labFolder: labFolder.fsPath,
            requirementsFile,
            recreate,
            signal: controller.signal,
            onProgress: (message) => progress.report({ message }),
            onOutput: (line) => logger.info(`  ${line}`),
          });
        } finally {
          subscription.dispose();
        }
      },
    );
  } catch (error) {
    if (error instanceof PythonSetupCancelledError) {
      logger.info(`Setting up the Python environment of ${name} was cancelled`);
      return;
    }
    throw error;
  }

  const count = environment.installed.length;
  logger.info(`The Python environment of ${name} is ready in ${environment.venvDir} after ${environment.seconds} s: ${count > 0 ? environment.installed.join(', ') : 'nothing new installed'}`);
  const message = `Data Labs: the Python environment of ${name} is ready in ${LAB_VENV_FOLDER} (${count} ${count === 1 ? 'package' : 'packages'} installed).`;
  if (!isPythonExtensionInstalled()) {
    void vscode.window.showInformationMessage(message);
    return;
  }
  // Not awaited: the command has finished; the button may be clicked any time later.
  void vscode.window.showInformationMessage(message, USE_INTERPRETER).then(async (choice) => {
    if (choice !== USE_INTERPRETER) return;
    try {
      await useInterpreterInPythonExtension(environment.python, folder, logger);
    } catch (error) {
      logger.error(`Could not set python.defaultInterpreterPath to ${environment.python}`, error);
      void vscode.window.showErrorMessage(`Data Labs: could not make ${LAB_VENV_FOLDER} the Python extension's interpreter: ${error instanceof Error ? error.message : String(error)}`);
    }
  });
};
