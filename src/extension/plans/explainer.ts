import * as path from 'node:path';
import * as vscode from 'vscode';
import type * as ChecksBundle from '../checks/checksBundle';
import type { Lab } from '../../core/labs/catalog';
import type { Plan } from '../../core/plans/planModel';
import { statementWrites } from '../../core/plans/statementKinds';
import { labContaining } from '../checks/labLocator';
import type { Config } from '../config';
import { requireBundle } from '../lazyBundle';
import { labDisplayName } from '../labs/labFiles';
import type { LabService } from '../labs/labService';
import type { Logger } from '../logger';
import type { LabServices } from '../services/labServices';
import type { PlanPanel } from './planPanel';
import { labPostgresService, resolveLabPostgres } from '../services/labDatabase';

/** A plan kept in the lab's history. */
export interface HistoryEntry {
  readonly at: string;
  readonly analyze: boolean;
  readonly sql: string;
  /** EXPLAIN (FORMAT JSON) output as PostgreSQL returned it. */
  readonly plan: unknown;
}

/** "14:02:11 Explain Analyze: select ..." */
export function historyLabel(entry: HistoryEntry): string {
  const time = new Date(entry.at).toLocaleTimeString('en-GB');
  const sql = entry.sql.replace(/--[^\n]*/g, '').replace(/\s+/g, ' ').trim();
  return `${time} ${entry.analyze ? 'Explain Analyze' : 'Explain'}: ${sql.length > 60 ? `${sql.slice(0, 59)}…` : sql}`;
}

/**
 * Explains a statement of a lab's SQL file on the lab's database (wherever its service runs, as the
 * checks resolve it), keeps the plan in the lab's history (.delabs/plans/<lab>/), and shows it.
 */
export class Explainer {
  constructor(
    private readonly labService: LabService,
    private readonly config: Config,
    private readonly labServices: LabServices,
    private readonly panel: PlanPanel,
    private readonly logger: Logger,
  ) {}

  async explain(uri: vscode.Uri, sql: string, analyze: boolean): Promise<void> {
    const opened = await labContaining(this.labService, uri);
    if (!opened) throw new Error('Explain runs a statement on a lab\'s database: open a SQL file of a lab you opened with Data Labs: Open Lab...');
    const { lab, labFolder } = opened;
    const service = labPostgresService(lab);
    if (!service) throw new Error(`${labDisplayName(lab)} has no PostgreSQL database to explain the statement on.`);
    if (analyze && statementWrites(sql)) {
      const choice = await vscode.window.showWarningMessage(
        'Explain Analyze runs the statement.',
        { modal: true, detail: 'This statement changes data. It runs inside a transaction that is rolled back afterwards, so the database is left as it was; triggers and sequences may still move.' },
        'Run and Roll Back',
      );
      if (choice !== 'Run and Roll Back') return;
    }
    const bundle = requireBundle<typeof ChecksBundle>('checks');
    const { endpoint } = await resolveLabPostgres(lab, this.config, this.labServices);
    const label = analyze ? 'Explain Analyze' : 'Explain';
    this.logger.info(`${label} on ${endpoint.source ?? `${endpoint.host}:${endpoint.port}`} for ${labDisplayName(lab)}: ${sql.replace(/\s+/g, ' ').slice(0, 120)}`);
    const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `${label}…` }, () => bundle.explainStatement(endpoint, sql, { analyze }));
    const at = new Date().toISOString();
    await this.remember(lab, labFolder, { at, analyze, sql, plan: result.json });
    const statement = sql.replace(/--[^\n]*/g, '').replace(/\s+/g, ' ').trim();
    this.showPlan(result.plan, `${label}: ${statement.length > 80 ? `${statement.slice(0, 79)}…` : statement}`, sql, at);
    this.logger.info(`${label}: ${result.plan.nodes.length} nodes${result.plan.executionMs !== undefined ? `, ${result.plan.executionMs} ms` : ''}`);
  }

  showPlan(plan: Plan, title: string, sql?: string, at?: string): void {
    this.panel.showPlan({ plan, title, ...(sql ? { sql } : {}), ...(at ? { at } : {}) });
  }

  /** Writes the plan on show as an SVG document, where the learner chooses. */
  /** Export Plan: the plan on show as a standalone SVG, or that SVG drawn as a PNG (by the plan view, at twice its size). */
  async exportPlan(): Promise<void> {
    const current = this.panel.current;
    if (!current) {
      void vscode.window.showInformationMessage('Data Labs: explain a query (or open a plan) first; the plan on show is what is exported.');
      return;
    }
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const target = await vscode.window.showSaveDialog({
      filters: { 'SVG image': ['svg'], 'PNG image': ['png'] },
      saveLabel: 'Export Plan',
      ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, 'plan.svg') } : {}),
    });
    if (!target) return;
    const svg = requireBundle<typeof ChecksBundle>('checks').planToSvg(current.plan, current.title);
    const png = target.path.toLowerCase().endsWith('.png');
    let bytes: Uint8Array;
    try {
      bytes = png ? await this.panel.renderPng(svg) : Buffer.from(svg, 'utf8');
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.logger.error(`Export Plan as PNG failed: ${reason}`);
      void vscode.window.showErrorMessage(`Data Labs: the plan could not be drawn as PNG: ${reason}. Export it as SVG instead.`);
      return;
    }
    await vscode.workspace.fs.writeFile(target, bytes);
    this.logger.info(`Exported the plan (${current.plan.nodes.length} nodes) to ${target.fsPath}`);
    void vscode.window.showInformationMessage(`Data Labs: the plan is saved as ${vscode.workspace.asRelativePath(target)}.`);
  }

  /** Reads a pasted or saved plan (JSON or psql's text) and shows it. */
  openPlanText(text: string, title: string): void {
    const plan = requireBundle<typeof ChecksBundle>('checks').parsePlan(text);
    this.showPlan(plan, title);
  }

  /** The plans explained in a lab, newest first (from .delabs/plans/<lab>/). */
  async history(lab: Lab, labFolder: vscode.Uri): Promise<{ uri: vscode.Uri; entry: HistoryEntry }[]> {
    const folder = this.historyFolder(lab, labFolder);
    let names: [string, vscode.FileType][];
    try {
      names = await vscode.workspace.fs.readDirectory(folder);
    } catch {
      return [];
    }
    const entries: { uri: vscode.Uri; entry: HistoryEntry }[] = [];
    for (const [name] of names.filter(([file, type]) => type === vscode.FileType.File && file.endsWith('.json')).sort().reverse()) {
      const uri = vscode.Uri.joinPath(folder, name);
      try {
        entries.push({ uri, entry: JSON.parse(Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8')) as HistoryEntry });
      } catch (error) {
        this.logger.warn(`Skipped the plan ${uri.fsPath}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return entries;
  }

  /** Compares two plans of the lab's history, before and after, side by side. */
  compare(before: HistoryEntry, after: HistoryEntry): void {
    const bundle = requireBundle<typeof ChecksBundle>('checks');
    const planBefore = bundle.planFromJson(before.plan);
    const planAfter = bundle.planFromJson(after.plan);
    const comparison = bundle.comparePlans(planBefore, planAfter);
    this.panel.compare({
      before: planBefore,
      after: planAfter,
      beforeLabel: historyLabel(before),
      afterLabel: historyLabel(after),
      rows: comparison.rows.map((row) => ({
        kind: row.kind,
        depth: row.depth,
        ...(row.kind !== 'added' ? { beforeId: row.before.id } : {}),
        ...(row.kind !== 'removed' ? { afterId: row.after.id } : {}),
        ...(row.kind === 'matched' ? { typeChanged: row.typeChanged } : {}),
      })),
      summary: comparison.summary,
    });
  }

  private historyFolder(lab: Lab, labFolder: vscode.Uri): vscode.Uri {
    const workspace = vscode.workspace.getWorkspaceFolder(labFolder)?.uri ?? labFolder;
    return vscode.Uri.joinPath(workspace, '.delabs', 'plans', lab.manifest.id);
  }

  /** Keeps the plan with the lab, so today's plan can be compared with yesterday's. */
  private async remember(lab: Lab, labFolder: vscode.Uri, entry: HistoryEntry): Promise<void> {
    const folder = this.historyFolder(lab, labFolder);
    const name = `${entry.at.replace(/[:.]/g, '-')}${entry.analyze ? '-analyze' : ''}.json`;
    try {
      await vscode.workspace.fs.createDirectory(folder);
      await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(folder, name), Buffer.from(`${JSON.stringify(entry, null, 1)}\n`));
    } catch (error) {
      this.logger.warn(`Could not keep the plan in ${path.join(folder.fsPath, name)}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
