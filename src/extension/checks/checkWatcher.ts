import * as vscode from 'vscode';
import type { Config } from '../config';
import { Disposable } from '../disposable';
import type { LabService } from '../labs/labService';
import type { Logger } from '../logger';
import type { CheckRunner } from './checkRunner';
import { labContaining } from './labLocator';

/** How long after the last save in a lab its checks run, so that "Save All" is one run. */
export const WATCH_DEBOUNCE_MS = 800;

/**
 * Watch mode (dataEngLabs.checks.runOnSave): saving a file of an opened lab re-runs that lab's checks,
 * debounced; the runner never runs one lab twice at once (a save during a run queues one more).
 */
export class CheckWatcher extends Disposable {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(labService: LabService, runner: CheckRunner, config: Config, logger: Logger) {
    super();
    this.register(
      vscode.workspace.onDidSaveTextDocument(async (document) => {
        if (!config.settings.runChecksOnSave || !vscode.workspace.isTrusted) return;
        const opened = await labContaining(labService, document.uri);
        if (!opened) return;
        const id = opened.lab.manifest.id;
        clearTimeout(this.timers.get(id));
        this.timers.set(
          id,
          setTimeout(() => {
            this.timers.delete(id);
            runner.run(opened.lab, { reason: 'save' }).catch((error: unknown) => logger.error(`Checks of ${id} after a save failed`, error));
          }, WATCH_DEBOUNCE_MS),
        );
      }),
    );
    this.register({ dispose: () => this.timers.forEach((timer) => clearTimeout(timer)) });
  }
}
