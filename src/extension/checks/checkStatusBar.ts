import * as vscode from 'vscode';
import { ActiveLabStatusItem } from '../views/activeLabStatusItem';
import { labDisplayName } from '../labs/labFiles';
import type { LabService } from '../labs/labService';
import type { CheckRunner } from './checkRunner';
import { labContaining } from './labLocator';

/**
 * A status bar item while a lab's file is in the active editor: how many of its checks pass, a spinner
 * while they run, and a click to run them.
 */
export class CheckStatusBar extends ActiveLabStatusItem {
  constructor(
    private readonly labService: LabService,
    private readonly runner: CheckRunner,
  ) {
    super('delabs.checks', 'Data Labs: checks', 50);
    this.register(labService.onDidChange(() => this.update()));
    this.register(runner.onDidStartRun(() => this.update()));
    this.register(runner.onDidFinishCheck(() => this.update()));
    this.register(runner.onDidEndRun(() => this.update()));
    this.update();
  }

  protected async render(): Promise<boolean> {
    const uri = vscode.window.activeTextEditor?.document.uri;
    if (!uri || uri.scheme !== 'file') return false;
    const opened = await labContaining(this.labService, uri);
    if (!opened) return false;
    const { lab } = opened;
    const name = labDisplayName(lab);
    this.item.command = { title: 'Run Checks', command: 'delabs.checks.run', arguments: [lab.manifest.id] };
    if (this.runner.isRunning(lab.manifest.id)) {
      this.item.text = '$(sync~spin) Checking…';
      this.item.tooltip = `Running the checks of ${name}`;
      return true;
    }
    const records = (await this.labService.stateOf(lab)).progress?.checks ?? {};
    const total = lab.manifest.checks.length;
    const ran = lab.manifest.checks.filter((check) => records[check.id]).length;
    const passed = lab.manifest.checks.filter((check) => records[check.id]?.outcome === 'passed').length;
    this.item.text = ran === 0 ? '$(beaker) Run Checks' : `${passed === total ? '$(pass-filled)' : '$(beaker)'} Checks ${passed}/${total}`;
    this.item.tooltip = ran === 0 ? `Run the checks of ${name}` : `${passed} of ${total} checks of ${name} passed on the last run. Click to run them again.`;
    return true;
  }
}
