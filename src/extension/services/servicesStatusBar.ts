import * as vscode from 'vscode';
import { labContaining } from '../checks/labLocator';
import { ActiveLabStatusItem } from '../views/activeLabStatusItem';
import { labDisplayName } from '../labs/labFiles';
import type { LabService } from '../labs/labService';
import { RUNTIME_NAMES, type LabServices } from './labServices';

/** While a lab's file is active: where its services run and how many are up; a click starts them. */
export class ServicesStatusBar extends ActiveLabStatusItem {
  constructor(
    private readonly labService: LabService,
    private readonly labServices: LabServices,
  ) {
    super('delabs.services', 'Data Labs: services', 49);
    this.register(labService.onDidChange(() => this.update()));
    this.register(labServices.onDidChange(() => this.update()));
    this.update();
  }

  protected async render(): Promise<boolean> {
    const uri = vscode.window.activeTextEditor?.document.uri;
    if (!uri || uri.scheme !== 'file') return false;
    const lab = (await labContaining(this.labService, uri))?.lab;
    if (!lab || lab.manifest.services.length === 0) return false;
    const views = this.labServices.views(lab);
    const runtime = RUNTIME_NAMES[views[0]?.runtime ?? 'docker'];
    const running = views.filter((view) => view.state === 'running').length;
    const unhealthy = views.some((view) => view.health === 'unhealthy');
    this.item.text = `${unhealthy ? '$(warning)' : running === views.length ? '$(vm-running)' : '$(vm-outline)'} ${runtime} ${running}/${views.length}`;
    this.item.tooltip = `${labDisplayName(lab)}: ${running} of ${views.length} services running on ${runtime}. ${running < views.length ? 'Click to start them.' : 'Click to show them in the Labs view.'}`;
    this.item.command = running < views.length ? { title: 'Start Services', command: 'delabs.services.start', arguments: [lab.manifest.id] } : { title: 'Show Labs', command: 'delabs.labs.focus' };
    return true;
  }
}
