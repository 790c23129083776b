import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LabService } from './labService';

/** Reference solutions are shown through their own scheme, so their editors are read-only. */
export const SOLUTION_SCHEME = 'delabs-solution';

export function solutionUri(labFolder: string, file: string): vscode.Uri {
  return vscode.Uri.from({ scheme: SOLUTION_SCHEME, path: `/${labFolder}/${file}` });
}

/** Serves `delabs-solution:/<lab folder>/<file>` from the lab package's solution/ folder. */
export class SolutionDocumentProvider implements vscode.TextDocumentContentProvider {
  constructor(private readonly labService: LabService) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const [labFolder, ...rest] = uri.path.replace(/^\//, '').split('/');
    const catalog = await this.labService.getCatalog();
    const lab = catalog.entries.find((entry) => entry.status === 'ok' && entry.folder === labFolder);
    if (!lab || rest.length === 0 || rest.includes('..')) throw new Error(`No reference solution file ${uri.path}`);
    const bytes = await vscode.workspace.fs.readFile(vscode.Uri.file(path.join(lab.dir, 'solution', ...rest)));
    return new TextDecoder().decode(bytes);
  }
}
