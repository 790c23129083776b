import * as vscode from 'vscode';
import { splitSqlStatements } from '../../core/checks/postgres/statements';
import { labForCommand, openedLabs } from '../checks/labLocator';
import { labDisplayName } from '../labs/labFiles';
import { historyLabel, type HistoryEntry } from '../plans/explainer';
import type { CommandHandler, CommandServices } from './types';

/** The statement to explain: the CodeLens's (document and offset), else the selection, else the statement at the cursor. */
async function statementOf(args: unknown[]): Promise<{ uri: vscode.Uri; sql: string } | undefined> {
  const [first, offset] = args;
  // The language server's CodeLens passes the document as a URI string.
  const uri = first instanceof vscode.Uri ? first : typeof first === 'string' ? vscode.Uri.parse(first) : undefined;
  if (uri && typeof offset === 'number') {
    const document = await vscode.workspace.openTextDocument(uri);
    const statement = splitSqlStatements(document.getText()).find((candidate) => candidate.startOffset === offset);
    return statement ? { uri, sql: statement.text } : undefined;
  }
  const editor = vscode.window.activeTextEditor;
  if (!editor) return undefined;
  const { document, selection } = editor;
  if (!selection.isEmpty) return { uri: document.uri, sql: document.getText(selection) };
  const cursor = document.offsetAt(selection.active);
  const statements = splitSqlStatements(document.getText());
  const statement = [...statements].reverse().find((candidate) => candidate.startOffset <= cursor) ?? statements[0];
  return statement ? { uri: document.uri, sql: statement.text } : undefined;
}

async function explain(services: CommandServices, args: unknown[], analyze: boolean): Promise<void> {
  const target = await statementOf(args);
  if (!target) {
    void vscode.window.showInformationMessage('Data Labs: put the cursor in a SQL statement of a lab (or select one), then explain it.');
    return;
  }
  await services.explainer.explain(target.uri, target.sql, analyze);
}

/** Data Labs: Explain Query — the plan PostgreSQL chooses, without running the statement. */
export const explainQuery: CommandHandler = (services, ...args) => explain(services, args, false);

/** Data Labs: Explain Analyze — runs the statement in a rolled-back transaction for real times and rows. */
export const explainAnalyze: CommandHandler = (services, ...args) => explain(services, args, true);

/** Data Labs: Open Plan... — a plan saved or pasted as JSON or psql's text: the selection, the file, or one picked. */
export const openPlan: CommandHandler = async (services) => {
  const editor = vscode.window.activeTextEditor;
  const selected = editor && !editor.selection.isEmpty ? editor.document.getText(editor.selection) : undefined;
  const candidate = selected ?? editor?.document.getText();
  if (candidate && /\(cost=|"Node Type"/.test(candidate)) {
    services.explainer.openPlanText(candidate, editor ? `Plan from ${vscode.workspace.asRelativePath(editor.document.uri)}` : 'Plan');
    return;
  }
  const picked = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'PostgreSQL plans': ['json', 'txt', 'sql', 'plan'] }, openLabel: 'Open Plan' });
  const file = picked?.[0];
  if (!file) return;
  const text = Buffer.from(await vscode.workspace.fs.readFile(file)).toString('utf8');
  services.explainer.openPlanText(text, `Plan from ${vscode.workspace.asRelativePath(file)}`);
};

/** Data Labs: Export Plan as SVG or PNG... — the plan on show, as a standalone SVG document or a PNG of it. */
export const exportPlan: CommandHandler = (services) => services.explainer.exportPlan();

/** Data Labs: Compare Plans — two plans from the lab's history (the last two by default), node by node. */
export const comparePlans: CommandHandler = async (services, arg) => {
  const lab = await labForCommand(services.labService, arg, 'Compare the plans of which lab?');
  if (!lab) return;
  const opened = (await openedLabs(services.labService)).find((candidate) => candidate.lab.manifest.id === lab.manifest.id);
  if (!opened) return;
  const history = await services.explainer.history(lab, opened.labFolder);
  if (history.length < 2) {
    void vscode.window.showInformationMessage(`Data Labs: explain at least two queries of ${labDisplayName(lab)} first (the CodeLens above each statement), then compare their plans.`);
    return;
  }
  const [latest, previous] = history;
  type Pick = vscode.QuickPickItem & { index: number };
  const items: Pick[] = history.map(({ entry }, index) => ({ label: historyLabel(entry), index }));
  const last = { label: '$(diff) The last two plans', description: `${historyLabel(previous?.entry as HistoryEntry)} → ${historyLabel(latest?.entry as HistoryEntry)}`, index: -1 };
  const first = await vscode.window.showQuickPick<Pick>([last, ...items], { placeHolder: 'Compare which plan (before)?' });
  if (!first) return;
  if (first.index === -1) return services.explainer.compare((previous as { entry: HistoryEntry }).entry, (latest as { entry: HistoryEntry }).entry);
  const second = await vscode.window.showQuickPick<Pick>(items.filter((item) => item.index !== first.index), { placeHolder: 'with which plan (after)?' });
  if (!second) return;
  services.explainer.compare((history[first.index] as { entry: HistoryEntry }).entry, (history[second.index] as { entry: HistoryEntry }).entry);
};
