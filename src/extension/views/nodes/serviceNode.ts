import * as vscode from 'vscode';
import { RUNTIME_NAMES, type ServiceView } from '../../services/labServices';

/** What a service row says: "running on 127.0.0.1:54307 · healthy · Docker". */
export function describeService(view: ServiceView): string {
  const state = view.state === 'running' && view.address ? `running on ${view.address}` : view.state;
  return [state, view.health && view.state === 'running' ? view.health : undefined, RUNTIME_NAMES[view.runtime]].filter(Boolean).join(' · ');
}

/**
 * One service of a lab: where it runs, whether it is up and healthy. `labId` and `serviceName` are what
 * the service commands read; contextValue `service.<running|stopped>[.docker]` picks the inline actions.
 */
export class ServiceNode extends vscode.TreeItem {
  readonly kind = 'service';
  readonly serviceName: string;

  constructor(
    readonly labId: string,
    view: ServiceView,
  ) {
    super(view.name, vscode.TreeItemCollapsibleState.None);
    this.serviceName = view.name;
    const text = describeService(view);
    this.id = `service:${labId}:${view.name}`;
    this.description = text;
    const running = view.state === 'running' || view.state === 'starting';
    this.iconPath =
      view.state === 'starting' || (view.state === 'running' && view.health === 'starting')
        ? new vscode.ThemeIcon('loading~spin')
        : view.state === 'running' && view.health === 'unhealthy'
          ? new vscode.ThemeIcon('vm-active', new vscode.ThemeColor('testing.iconFailed'))
          : view.state === 'running'
            ? new vscode.ThemeIcon('vm-running', new vscode.ThemeColor('testing.iconPassed'))
            : view.state === 'exited'
              ? new vscode.ThemeIcon('vm-outline', new vscode.ThemeColor('list.warningForeground'))
              : new vscode.ThemeIcon('vm-outline');
    this.contextValue = `service.${running ? 'running' : 'stopped'}${view.runtime === 'docker' ? '.docker' : ''}`;
    this.tooltip = `${view.name} (${view.kind}): ${text}`;
    this.accessibilityInformation = { label: `${view.name}, ${text}` };
  }
}
