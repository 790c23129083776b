import * as vscode from 'vscode';
import type { CheckResult, LabRunResult } from '../../core/checks/types';
import type { Lab } from '../../core/labs/catalog';
import type { CheckDefinition } from '../../core/labs/labSchema';
import { checksUsePython, resolveInterpreterForLab } from '../../core/python/pythonEnvironment';
import type { Config } from '../config';
import { Disposable } from '../disposable';
import { labDisplayName } from '../labs/labFiles';
import type { LabService } from '../labs/labService';
import { requireBundle } from '../lazyBundle';
import type { Logger } from '../logger';
import type { LabServices } from '../services/labServices';
import type * as ChecksBundle from './checksBundle';

export interface RunStarted {
  readonly lab: Lab;
  readonly checks: readonly CheckDefinition[];
  readonly labFolder: vscode.Uri;
}

export interface CheckStarted {
  readonly lab: Lab;
  readonly check: CheckDefinition;
}

export interface CheckFinished {
  readonly lab: Lab;
  readonly labFolder: vscode.Uri;
  readonly result: CheckResult;
}

export interface RunEnded {
  readonly lab: Lab;
  readonly labFolder: vscode.Uri;
  /** Undefined when the run could not start or was cancelled before any check ran. */
  readonly run: LabRunResult | undefined;
}

export interface RunRequest {
  /** Only these check ids; all when absent. */
  readonly only?: readonly string[];
  /** Why: a command shows its outcome; a save (watch mode) only updates the views. */
  readonly reason: 'command' | 'save' | 'testing';
  readonly token?: vscode.CancellationToken;
}

/**
 * Runs a lab's checks in this workspace, one run per lab at a time: a request while the lab's checks run
 * joins that run (or, from a save, queues one more run after it). Each run builds everything afresh in the
 * engine; results are recorded in the progress file and announced to the tree, the Testing view, the
 * diagnostics and the status bar through the events below.
 */
export class CheckRunner extends Disposable {
  private readonly inFlight = new Map<string, { promise: Promise<LabRunResult | undefined>; controller: AbortController; again?: RunRequest }>();
  private readonly running = new Map<string, string | undefined>();
  private readonly preparations: Array<(lab: Lab) => Promise<void>> = [];
  private readonly started = this.register(new vscode.EventEmitter<RunStarted>());
  private readonly checkStarted = this.register(new vscode.EventEmitter<CheckStarted>());
  private readonly finished = this.register(new vscode.EventEmitter<CheckFinished>());
  private readonly ended = this.register(new vscode.EventEmitter<RunEnded>());
  readonly onDidStartRun = this.started.event;
  readonly onDidStartCheck = this.checkStarted.event;
  readonly onDidFinishCheck = this.finished.event;
  readonly onDidEndRun = this.ended.event;

  constructor(
    private readonly labService: LabService,
    private readonly config: Config,
    private readonly logger: Logger,
    private readonly labServices?: LabServices,
    /** The interpreter the Python extension has selected for a lab folder, when it is installed. */
    private readonly pythonFromExtension?: (labFolder: vscode.Uri) => Promise<string | undefined>,
  ) {
    super();
  }

  /**
   * Work to finish before a run announces itself: the Testing view makes its items for a lab opened a
   * moment ago, so that the run's results have somewhere to go.
   */
  prepareRunsWith(prepare: (lab: Lab) => Promise<void>): vscode.Disposable {
    this.preparations.push(prepare);
    return { dispose: () => void this.preparations.splice(this.preparations.indexOf(prepare), 1) };
  }

  /** The id of the check running now in this lab, or '' between checks; undefined when the lab is not running. */
  runningCheck(labId: string): string | undefined {
    return this.running.get(labId);
  }

  isRunning(labId: string): boolean {
    return this.running.has(labId);
  }

  /** Runs the lab's checks, or joins the run in progress. */
  run(lab: Lab, request: RunRequest): Promise<LabRunResult | undefined> {
    const current = this.inFlight.get(lab.manifest.id);
    if (current) {
      if (request.reason === 'save') current.again = request;
      return current.promise;
    }
    const controller = new AbortController();
    const subscription = request.token?.onCancellationRequested(() => controller.abort());
    const entry: { promise: Promise<LabRunResult | undefined>; controller: AbortController; again?: RunRequest } = {
      controller,
      promise: Promise.resolve(undefined),
    };
    entry.promise = this.runOnce(lab, request, controller.signal).finally(() => {
      subscription?.dispose();
      this.inFlight.delete(lab.manifest.id);
      if (entry.again && !this.isDisposed) void this.run(lab, entry.again);
    });
    this.inFlight.set(lab.manifest.id, entry);
    return entry.promise;
  }

  override dispose(): void {
    for (const entry of this.inFlight.values()) entry.controller.abort();
    super.dispose();
  }

  private async runOnce(lab: Lab, request: RunRequest, signal: AbortSignal): Promise<LabRunResult | undefined> {
    const state = await this.labService.stateOf(lab);
    if (!state.workspaceFolder || !state.progress) {
      throw new Error(`${labDisplayName(lab)} is not open in this workspace yet: open it with Data Labs: Open Lab..., then run its checks`);
    }
    const folder = state.workspaceFolder;
    const labFolder = this.labService.labFolderUri(folder, lab, state.progress);
    const exists = await vscode.workspace.fs.stat(labFolder).then(() => true, () => false);
    if (!exists) throw new Error(`the folder of ${labDisplayName(lab)} (${vscode.workspace.asRelativePath(labFolder)}) is gone: open the lab again to scaffold it`);
    const checks = lab.manifest.checks.filter((check) => !request.only || request.only.includes(check.id));
    this.logger.info(`Running ${checks.length} checks of ${labDisplayName(lab)} in ${labFolder.fsPath} (${request.reason})`);
    const bundle = requireBundle<typeof ChecksBundle>('checks');
    for (const prepare of this.preparations) await prepare(lab);
    // From here on, the finally below ends what the start announces.
    this.running.set(lab.manifest.id, '');
    this.started.fire({ lab, checks, labFolder });
    const settings = this.config.settings;
    let run: LabRunResult | undefined;
    try {
      // The setting, else the lab's .venv, else the Python extension's interpreter, else python3.
      const python = await resolveInterpreterForLab({
        configured: settings.pythonInterpreterPath,
        labFolder: labFolder.fsPath,
        // Asking activates the Python extension: not for a lab whose checks run no Python.
        pythonExtension: checksUsePython(checks) ? () => this.pythonFromExtension?.(labFolder) ?? Promise.resolve(undefined) : undefined,
      });
      this.logger.info(`Python for the checks of ${labDisplayName(lab)}: ${python}`);
      run = await bundle.checkLab({
        lab,
        workDir: labFolder.fsPath,
        python,
        env: process.env,
        overrides: settings.serviceOverrides,
        ...(this.labServices
          ? {
              containers: (_manifest, service) => this.labServices?.containerEndpoint(lab, service) ?? Promise.resolve(undefined),
              embedded: (_manifest, service) => this.labServices?.embedded.endpoint(lab, service) ?? Promise.resolve(undefined),
            }
          : {}),
        defaultTimeoutSeconds: settings.checkTimeoutSeconds,
        signal,
        ...(request.only ? { only: request.only } : {}),
        onStart: (check) => {
          this.running.set(lab.manifest.id, check.id);
          this.checkStarted.fire({ lab, check });
        },
        onResult: (result) => {
          this.running.set(lab.manifest.id, '');
          this.finished.fire({ lab, labFolder, result });
        },
      });
      this.logger.info(bundle.formatRun(`Checks of ${labDisplayName(lab)} (${request.reason})`, run).trimEnd());
      if (!signal.aborted) {
        const ids = lab.manifest.checks.map((check) => check.id);
        const result = run;
        await this.labService.updateProgress(folder, lab.manifest.id, (current) => (current ? bundle.applyCheckRun(current, result, ids, lab.contentVersion) : current));
      }
      return run;
    } finally {
      // Not running any more by the time the views hear of the end, so they show the result, not a spinner.
      this.running.delete(lab.manifest.id);
      this.ended.fire({ lab, labFolder, run });
    }
  }
}
