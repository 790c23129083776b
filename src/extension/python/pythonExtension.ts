/**
 * The interpreter selected in the Python extension (ms-python.python), read through its public API. The
 * few members used are declared here rather than taken from @vscode/python-extension, which would be a
 * dependency for four lines. Shapes from that package's main.d.ts:
 *
 *     environments.getActiveEnvironmentPath(resource?: Uri | WorkspaceFolder): { id: string; path: string }
 *     environments.resolveEnvironment(env: EnvironmentPath | string): Promise<ResolvedEnvironment | undefined>
 *         ResolvedEnvironment.executable.uri: Uri | undefined
 *     settings.getExecutionDetails(resource?: Uri): { execCommand: string[] | undefined }   (older releases)
 */
import * as vscode from 'vscode';
import type { Logger } from '../logger';

export const PYTHON_EXTENSION_ID = 'ms-python.python';
/** Activating the Python extension the first time can take seconds; past this, the lab does without it. */
const LOOKUP_TIMEOUT_MS = 5000;

/** What the interpreter look-up uses of the Python extension's exports. */
interface PythonExtensionApi {
  readonly environments?: {
    getActiveEnvironmentPath(resource?: vscode.Uri): { readonly id: string; readonly path: string };
    resolveEnvironment(environment: { readonly id: string; readonly path: string } | string): Promise<{ readonly executable: { readonly uri: vscode.Uri | undefined } } | undefined>;
    updateActiveEnvironmentPath?(environment: string, resource?: vscode.Uri): Promise<void>;
  };
  readonly settings?: {
    getExecutionDetails(resource?: vscode.Uri): { readonly execCommand: readonly string[] | undefined };
  };
}

/** Whether the Python extension is installed (and enabled); asking does not activate it. */
export function isPythonExtensionInstalled(): boolean {
  return vscode.extensions.getExtension(PYTHON_EXTENSION_ID) !== undefined;
}

async function pythonExtensionApi(): Promise<PythonExtensionApi | undefined> {
  const extension = vscode.extensions.getExtension<PythonExtensionApi | undefined>(PYTHON_EXTENSION_ID);
  if (!extension) return undefined;
  return extension.isActive ? extension.exports : await extension.activate();
}

async function selectedInterpreter(resource: vscode.Uri | undefined): Promise<string | undefined> {
  const api = await pythonExtensionApi();
  if (!api) return undefined;
  if (api.environments) {
    const environment = await api.environments.resolveEnvironment(api.environments.getActiveEnvironmentPath(resource));
    return environment?.executable.uri?.fsPath;
  }
  return api.settings?.getExecutionDetails(resource).execCommand?.[0];
}

/**
 * The interpreter the Python extension has selected for `resource` (a lab folder), or undefined when the
 * extension is not installed, has none, fails or takes longer than 5 seconds. Never throws: without it the
 * lab falls back to python3. Activates the extension only when it is installed.
 */
export async function pythonExtensionInterpreter(resource: vscode.Uri | undefined, logger: Logger): Promise<string | undefined> {
  if (!isPythonExtensionInstalled()) return undefined;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), LOOKUP_TIMEOUT_MS);
  });
  try {
    const result = await Promise.race([selectedInterpreter(resource), timeout]);
    if (result === 'timeout') {
      logger.warn(`The Python extension did not say which interpreter is selected within ${LOOKUP_TIMEOUT_MS / 1000} s; using the default Python.`);
      return undefined;
    }
    const python = result?.trim();
    if (python) logger.debug(`The Python extension has selected ${python}${resource ? ` for ${resource.fsPath}` : ''}.`);
    return python || undefined;
  } catch (error) {
    logger.warn(`Could not read the interpreter selected in the Python extension: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Makes `python` the workspace folder's interpreter in the Python extension: the setting
 * python.defaultInterpreterPath, and its API's active environment, since the extension reads that setting
 * only for a folder where the learner has picked nothing yet.
 */
export async function useInterpreterInPythonExtension(python: string, folder: vscode.WorkspaceFolder, logger: Logger): Promise<void> {
  await vscode.workspace.getConfiguration('python', folder.uri).update('defaultInterpreterPath', python, vscode.ConfigurationTarget.WorkspaceFolder);
  try {
    const api = await pythonExtensionApi();
    await api?.environments?.updateActiveEnvironmentPath?.(python, folder.uri);
  } catch (error) {
    logger.error(`Could not make ${python} the Python extension's interpreter`, error);
  }
}
