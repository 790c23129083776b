import * as vscode from 'vscode';
import { splitSqlStatements } from '../../core/checks/postgres/statements';
import { explainable } from '../../core/plans/statementKinds';
import { labContaining } from '../checks/labLocator';
import { Disposable } from '../disposable';
import type { LabService } from '../labs/labService';

/** "Explain" and "Explain Analyze" above each statement of a SQL file in a lab that has a PostgreSQL database. */
export class ExplainCodeLensProvider extends Disposable implements vscode.CodeLensProvider {
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(private readonly labService: LabService) {
    super();
    this.register(labService.onDidChange(() => this.changed.fire()));
  }

  async provideCodeLenses(document: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    if (document.languageId !== 'sql') return [];
    const opened = await labContaining(this.labService, document.uri);
    if (!opened?.lab.manifest.services.some((service) => service.kind === 'postgres')) return [];
    const lenses: vscode.CodeLens[] = [];
    for (const statement of splitSqlStatements(document.getText())) {
      if (!explainable(statement.text)) continue;
      const start = document.positionAt(statement.startOffset);
      const range = new vscode.Range(start, start);
      const args = [document.uri, statement.startOffset];
      lenses.push(
        new vscode.CodeLens(range, { title: '$(graph) Explain', command: 'delabs.explain.query', arguments: args, tooltip: 'Show the plan PostgreSQL chooses for this statement' }),
        new vscode.CodeLens(range, { title: 'Explain Analyze', command: 'delabs.explain.analyze', arguments: args, tooltip: 'Run the statement (rolled back) and show the plan with real times and rows' }),
      );
    }
    return lenses;
  }
}
