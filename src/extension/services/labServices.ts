import * as vscode from 'vscode';
import type { ServiceEndpoint } from '../../core/checks/types';
import type { Lab } from '../../core/labs/catalog';
import type { ServiceDefinition } from '../../core/labs/labSchema';
import type { Config } from '../config';
import { connectableHost } from '../../core/services/docker/endpoints';
import { Disposable } from '../disposable';
import type { DockerServices } from './dockerServices';
import { runsEmbedded, type EmbeddedServices } from './embeddedServices';

export type Runtime = 'docker' | 'embedded';

/** One service of a lab as the Labs tree and the status bar show it. */
export interface ServiceView {
  readonly name: string;
  readonly kind: ServiceDefinition['kind'];
  readonly runtime: Runtime;
  readonly state: 'running' | 'starting' | 'stopped' | 'exited' | 'not created';
  readonly health?: 'starting' | 'healthy' | 'unhealthy';
  /** host:port of its first published port, while it runs. */
  readonly address?: string;
}

export const RUNTIME_NAMES: Readonly<Record<Runtime, string>> = { docker: 'Docker', embedded: 'embedded PostgreSQL' };

/**
 * Where each lab's services run: Docker when it answers (or always/never, as the learner set
 * dataEngLabs.services.useDocker), else the embedded PostgreSQL for PostgreSQL-only labs.
 */
export class LabServices extends Disposable {
  private readonly changed = this.register(new vscode.EventEmitter<Lab>());
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly config: Config,
    readonly embedded: EmbeddedServices,
    readonly docker: DockerServices,
  ) {
    super();
    this.register(embedded.onDidChange((lab) => this.changed.fire(lab)));
    this.register(docker.onDidChange((lab) => this.changed.fire(lab)));
  }

  /** The runtime a start would use now (asks Docker whether it answers). */
  async runtimeFor(lab: Lab): Promise<Runtime> {
    if (this.embedded.stateOf(lab).state !== 'stopped') return 'embedded';
    const mode = this.config.settings.useDocker;
    if (mode === 'never') return 'embedded';
    if (mode === 'always' || !runsEmbedded(lab)) return 'docker';
    return (await this.docker.available()) ? 'docker' : 'embedded';
  }

  /** The runtime to show before anything started, without waiting on Docker. */
  private shownRuntime(lab: Lab): Runtime {
    if (this.embedded.stateOf(lab).state !== 'stopped') return 'embedded';
    const mode = this.config.settings.useDocker;
    if (mode === 'never') return 'embedded';
    if (mode === 'always' || !runsEmbedded(lab)) return 'docker';
    // Asking for the containers also learns whether Docker answers; the view is refreshed when it does.
    if ((this.docker.statusOf(lab) ?? []).some((status) => status.state !== 'not created')) return 'docker';
    return this.docker.lastKnownAvailable === true ? 'docker' : 'embedded';
  }

  /** A lab's services for the tree and the status bar. */
  views(lab: Lab): ServiceView[] {
    const runtime = this.shownRuntime(lab);
    if (runtime === 'embedded') {
      const state = this.embedded.stateOf(lab);
      return lab.manifest.services.map((service) => ({
        name: service.name,
        kind: service.kind,
        runtime,
        state: state.state,
        ...(state.state === 'running' ? { address: `${state.host}:${state.port}` } : {}),
      }));
    }
    const statuses = this.docker.statusOf(lab) ?? [];
    return lab.manifest.services.map((service) => {
      const status = statuses.find((entry) => entry.service === service.name);
      const port = status?.ports[0];
      const state = !status || status.state === 'not created' ? 'not created' : status.state === 'running' || status.state === 'restarting' ? 'running' : status.state === 'created' ? 'stopped' : 'exited';
      return {
        name: service.name,
        kind: service.kind,
        runtime,
        state,
        ...(status?.health ? { health: status.health } : {}),
        ...(port && state === 'running' ? { address: `${connectableHost(port)}:${port.hostPort}` } : {}),
      };
    });
  }

  /** For the checks' resolver: the lab's container, when one runs the service. */
  containerEndpoint(lab: Lab, service: ServiceDefinition): Promise<ServiceEndpoint | undefined> {
    if (this.embedded.stateOf(lab).state !== 'stopped') return Promise.resolve(undefined);
    return this.docker.endpoint(lab, service);
  }
}
