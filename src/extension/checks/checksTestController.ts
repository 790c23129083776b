import * as vscode from 'vscode';
import type { CheckResult } from '../../core/checks/types';
import type { Lab } from '../../core/labs/catalog';
import { Disposable } from '../disposable';
import { labDisplayName } from '../labs/labFiles';
import type { LabService } from '../labs/labService';
import type { Logger } from '../logger';
import type { CheckRunner } from './checkRunner';
import { openedLabs } from './labLocator';

const labItemId = (labId: string): string => `lab:${labId}`;
const checkItemId = (labId: string, checkId: string): string => `check:${labId}:${checkId}`;

/** The test message for a check that did not pass: a diff when it has expected and actual, with the hint and location. */
export function testMessage(result: CheckResult, labFolder: vscode.Uri): vscode.TestMessage {
  const text = result.hint ? `${result.message}\n\nHint: ${result.hint}` : result.message;
  const message =
    result.expected !== undefined && result.actual !== undefined ? vscode.TestMessage.diff(text, result.expected, result.actual) : new vscode.TestMessage(text);
  if (result.location) {
    const line = Math.max(0, result.location.line - 1);
    const column = Math.max(0, (result.location.column ?? 1) - 1);
    message.location = new vscode.Location(vscode.Uri.joinPath(labFolder, ...result.location.file.split('/')), new vscode.Position(line, column));
  }
  return message;
}

/**
 * The checks in VS Code's Testing view: one test item per lab opened in the workspace and one per check.
 * Running items there runs the checks through the CheckRunner; runs started elsewhere (the command, a
 * save) show in the Testing view too.
 */
export class ChecksTestController extends Disposable {
  private readonly controller = this.register(vscode.tests.createTestController('delabs.checks', 'Data Labs'));
  /** The Testing view's run for a lab whose checks are running, and whether this class owns its end. */
  private readonly runs = new Map<string, { run: vscode.TestRun; ownedByRequest: boolean }>();

  constructor(
    private readonly labService: LabService,
    private readonly runner: CheckRunner,
    private readonly logger: Logger,
  ) {
    super();
    this.controller.resolveHandler = async (item) => {
      if (!item) await this.refresh();
    };
    this.controller.refreshHandler = () => this.refresh();
    this.controller.createRunProfile('Run Checks', vscode.TestRunProfileKind.Run, (request, token) => this.runRequest(request, token), true);
    this.register(labService.onDidChange(() => void this.refresh().catch((error: unknown) => this.logger.error('Could not list the checks in the Testing view', error))));
    this.register(runner.prepareRunsWith(async (lab) => {
      if (!this.controller.items.get(labItemId(lab.manifest.id))) await this.refresh();
    }));
    this.register(runner.onDidStartRun(({ lab, checks }) => {
      let entry = this.runs.get(lab.manifest.id);
      if (!entry) {
        const labItem = this.controller.items.get(labItemId(lab.manifest.id));
        entry = { run: this.controller.createTestRun(new vscode.TestRunRequest(labItem ? [labItem] : undefined), labDisplayName(lab), false), ownedByRequest: false };
        this.runs.set(lab.manifest.id, entry);
      }
      for (const check of checks) {
        const item = this.checkItem(lab.manifest.id, check.id);
        if (item) entry.run.enqueued(item);
      }
    }));
    this.register(runner.onDidStartCheck(({ lab, check }) => {
      const item = this.checkItem(lab.manifest.id, check.id);
      if (item) this.runs.get(lab.manifest.id)?.run.started(item);
    }));
    this.register(runner.onDidFinishCheck(({ lab, labFolder, result }) => {
      const run = this.runs.get(lab.manifest.id)?.run;
      const item = this.checkItem(lab.manifest.id, result.id);
      if (!run || !item) return;
      if (result.status === 'passed') run.passed(item, result.durationMs);
      else if (result.status === 'failed') run.failed(item, testMessage(result, labFolder), result.durationMs);
      else run.errored(item, new vscode.TestMessage(result.message), result.durationMs);
    }));
    this.register(runner.onDidEndRun(({ lab }) => {
      const entry = this.runs.get(lab.manifest.id);
      if (entry && !entry.ownedByRequest) {
        entry.run.end();
        this.runs.delete(lab.manifest.id);
      }
    }));
  }

  /** Lists the labs opened in this workspace and their checks. */
  async refresh(): Promise<void> {
    const labs = await openedLabs(this.labService);
    const items: vscode.TestItem[] = [];
    for (const { lab, labFolder } of labs) {
      const main = lab.manifest.scaffold.open[0];
      const uri = main ? vscode.Uri.joinPath(labFolder, ...main.split('/')) : labFolder;
      // Items that stay keep their identity, so the Testing view keeps their state and expansion.
      const existing = this.controller.items.get(labItemId(lab.manifest.id));
      const labItem = existing?.uri?.toString() === uri.toString() ? existing : this.controller.createTestItem(labItemId(lab.manifest.id), labDisplayName(lab), uri);
      const ids = lab.manifest.checks.map((check) => checkItemId(lab.manifest.id, check.id));
      const current: string[] = [];
      labItem.children.forEach((child) => current.push(child.id));
      if (current.join('\n') !== ids.join('\n')) {
        labItem.children.replace(
          lab.manifest.checks.map((check, index) => {
            const item = this.controller.createTestItem(checkItemId(lab.manifest.id, check.id), check.title, uri);
            // The brief's order, not the alphabet's.
            item.sortText = String(index).padStart(3, '0');
            return item;
          }),
        );
      }
      items.push(labItem);
    }
    const before: string[] = [];
    this.controller.items.forEach((item) => before.push(item.id));
    if (before.join('\n') !== items.map((item) => item.id).join('\n') || items.some((item) => this.controller.items.get(item.id) !== item)) this.controller.items.replace(items);
  }

  private checkItem(labId: string, checkId: string): vscode.TestItem | undefined {
    return this.controller.items.get(labItemId(labId))?.children.get(checkItemId(labId, checkId));
  }

  private async runRequest(request: vscode.TestRunRequest, token: vscode.CancellationToken): Promise<void> {
    await this.refresh();
    const run = this.controller.createTestRun(request, 'Data Labs checks', false);
    try {
      // Which labs, and which of their checks (all of a lab when its own item is included).
      const wanted = new Map<string, Set<string> | 'all'>();
      const include = request.include ?? [...iterate(this.controller.items)];
      for (const item of include) {
        const [kind, labId, checkId] = item.id.split(':');
        if (!labId) continue;
        if (kind === 'lab') wanted.set(labId, 'all');
        else if (checkId && wanted.get(labId) !== 'all') wanted.set(labId, new Set([...((wanted.get(labId) as Set<string> | undefined) ?? []), checkId]));
      }
      const excluded = new Set((request.exclude ?? []).map((item) => item.id));
      for (const [labId, checks] of wanted) {
        if (token.isCancellationRequested) break;
        const lab = await this.labService.findLab(labId);
        if (!lab) continue;
        let only = checks === 'all' ? undefined : [...checks];
        if (excluded.size > 0) only = (only ?? lab.manifest.checks.map((check) => check.id)).filter((id) => !excluded.has(checkItemId(labId, id)));
        if (!vscode.workspace.isTrusted) {
          this.errorAll(run, lab, only, 'Data Labs runs no checks in Restricted Mode: trust this workspace to run them.');
          continue;
        }
        if (this.runner.isRunning(labId)) {
          // Joins the run in progress, whose results show in the Testing run that started with it.
          await this.runner.run(lab, { reason: 'testing', token });
          continue;
        }
        this.runs.set(labId, { run, ownedByRequest: true });
        try {
          await this.runner.run(lab, { reason: 'testing', token, ...(only ? { only } : {}) });
        } catch (error) {
          this.errorAll(run, lab, only, error instanceof Error ? error.message : String(error));
        } finally {
          this.runs.delete(labId);
        }
      }
    } finally {
      run.end();
    }
  }

  private errorAll(run: vscode.TestRun, lab: Lab, only: readonly string[] | undefined, message: string): void {
    for (const check of lab.manifest.checks) {
      if (only && !only.includes(check.id)) continue;
      const item = this.checkItem(lab.manifest.id, check.id);
      if (item) run.errored(item, new vscode.TestMessage(message));
    }
  }
}

function* iterate(collection: vscode.TestItemCollection): Generator<vscode.TestItem> {
  const items: vscode.TestItem[] = [];
  collection.forEach((item) => items.push(item));
  yield* items;
}
