import * as vscode from 'vscode';
import type { ServiceDefinition } from '../../../core/labs/labSchema';
import type { ServiceState } from '../../services/embeddedServices';

/** One service of a lab: where it runs and whether it is up. `labId` is what the service commands read. */
export class ServiceNode extends vscode.TreeItem {
  readonly kind = 'service';

  constructor(
    readonly labId: string,
    service: ServiceDefinition,
    state: ServiceState,
    embedded: boolean,
  ) {
    super(service.name, vscode.TreeItemCollapsibleState.None);
    const runtime = embedded ? 'embedded PostgreSQL' : `${service.kind} in Docker`;
    const text = state.state === 'running' ? `running on ${state.host}:${state.port} · ${runtime}` : state.state === 'starting' ? `starting · ${runtime}` : `stopped · ${runtime}`;
    this.id = `service:${labId}:${service.name}`;
    this.description = text;
    this.iconPath =
      state.state === 'running'
        ? new vscode.ThemeIcon('vm-running', new vscode.ThemeColor('testing.iconPassed'))
        : state.state === 'starting'
          ? new vscode.ThemeIcon('loading~spin')
          : new vscode.ThemeIcon('vm-outline');
    this.contextValue = state.state === 'running' ? 'service.running' : 'service.stopped';
    this.tooltip = `${service.name} (${service.kind}${service.database ? `, database ${service.database}` : ''}): ${text}`;
    this.accessibilityInformation = { label: `${service.name}, ${text}` };
  }
}
