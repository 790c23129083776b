import * as vscode from 'vscode';
import { Disposable } from '../disposable';
import type { LabService } from '../labs/labService';
import type { CheckRunner } from './checkRunner';
import { labContaining } from './labLocator';

/** "Run Checks" above the brief and the lab's main files. */
export class CheckCodeLensProvider extends Disposable implements vscode.CodeLensProvider {
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(
    private readonly labService: LabService,
    private readonly runner: CheckRunner,
  ) {
    super();
    this.register(labService.onDidChange(() => this.changed.fire()));
    this.register(runner.onDidEndRun(() => this.changed.fire()));
    this.register(runner.onDidStartRun(() => this.changed.fire()));
  }

  async provideCodeLenses(document: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    const opened = await labContaining(this.labService, document.uri);
    if (!opened) return [];
    const relative = document.uri.fsPath.slice(opened.labFolder.fsPath.length + 1).split(/[\\/]/).join('/');
    if (relative !== 'README.md' && !opened.lab.manifest.scaffold.open.includes(relative)) return [];
    const { lab } = opened;
    const range = new vscode.Range(0, 0, 0, 0);
    // Where the checks stand is the status bar's to say; a lens title can lag behind a run.
    const title = this.runner.isRunning(lab.manifest.id) ? '$(sync~spin) Running the checks…' : `$(play) Run Checks (${lab.manifest.checks.length})`;
    return [new vscode.CodeLens(range, { title, command: 'delabs.checks.run', arguments: [lab.manifest.id], tooltip: `Run the checks of ${lab.manifest.title}` })];
  }
}
