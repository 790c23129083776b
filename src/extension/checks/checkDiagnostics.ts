import * as vscode from 'vscode';
import { Disposable } from '../disposable';
import type { CheckRunner } from './checkRunner';

/**
 * Failed checks that know where in the learner's code they failed show as problems on that line, until
 * the lab's checks run again.
 */
export class CheckDiagnostics extends Disposable {
  private readonly collection = this.register(vscode.languages.createDiagnosticCollection('Data Labs checks'));
  /** Each lab's diagnostics, by file. */
  private readonly byLab = new Map<string, Map<string, { uri: vscode.Uri; diagnostics: vscode.Diagnostic[] }>>();

  constructor(runner: CheckRunner) {
    super();
    this.register(runner.onDidStartRun(({ lab, checks }) => {
      const files = this.byLab.get(lab.manifest.id);
      if (!files) return;
      // Only the checks that run again lose their problems.
      const ids = new Set(checks.map((check) => check.id));
      for (const entry of files.values()) {
        entry.diagnostics = entry.diagnostics.filter((diagnostic) => !ids.has(String(diagnostic.code)));
        this.collection.set(entry.uri, this.allFor(entry.uri));
      }
    }));
    this.register(runner.onDidFinishCheck(({ lab, labFolder, result }) => {
      if (result.status !== 'failed' || !result.location) return;
      const uri = vscode.Uri.joinPath(labFolder, ...result.location.file.split('/'));
      const line = Math.max(0, result.location.line - 1);
      const column = Math.max(0, (result.location.column ?? 1) - 1);
      const diagnostic = new vscode.Diagnostic(new vscode.Range(line, column, line, Number.MAX_SAFE_INTEGER), `${result.title}: ${result.message}`, vscode.DiagnosticSeverity.Warning);
      diagnostic.source = 'Data Labs';
      diagnostic.code = result.id;
      let files = this.byLab.get(lab.manifest.id);
      if (!files) {
        files = new Map();
        this.byLab.set(lab.manifest.id, files);
      }
      const entry = files.get(uri.toString()) ?? { uri, diagnostics: [] };
      entry.diagnostics.push(diagnostic);
      files.set(uri.toString(), entry);
      this.collection.set(uri, this.allFor(uri));
    }));
  }

  private allFor(uri: vscode.Uri): vscode.Diagnostic[] {
    return [...this.byLab.values()].flatMap((files) => files.get(uri.toString())?.diagnostics ?? []);
  }
}
