import * as path from 'node:path';
import type Dockerode from 'dockerode';
import * as vscode from 'vscode';
import type { ServiceEndpoint } from '../../core/checks/types';
import type { Lab } from '../../core/labs/catalog';
import type { ServiceDefinition } from '../../core/labs/labSchema';
import type { ComposeProject } from '../../core/services/docker/composeFile';
import type { EnvironmentLine } from '../../core/services/docker/environment';
import type { ComposeOrchestrator, ServiceStatus, UpProgress } from '../../core/services/docker/orchestrator';
import type { Config } from '../config';
import { Disposable } from '../disposable';
import { requireBundle } from '../lazyBundle';
import { labDisplayName } from '../labs/labFiles';
import type { Logger } from '../logger';
import type * as DockerBundleModule from './dockerBundle';

type DockerBundle = typeof DockerBundleModule;

/** How long a "Docker answers" answer is trusted before asking again. */
const AVAILABILITY_TTL_MS = 10_000;
/** Events come in bursts (die, stop, health_status...): one refresh per burst. */
const EVENT_REFRESH_DELAY_MS = 300;

/**
 * A lab's services on Docker: its compose.yaml run by the orchestrator (in dist/docker.js, loaded on
 * first use), the containers' states for the Labs tree kept fresh from the Engine's events while the
 * tree is visible, logs and shells in terminals, and endpoints for the checks.
 */
export class DockerServices extends Disposable {
  private bundle: { readonly module: DockerBundle; readonly docker: Dockerode } | undefined;
  private availability: { readonly at: number; readonly answer: Promise<boolean> } | undefined;
  private readonly statuses = new Map<string, readonly ServiceStatus[]>();
  private readonly projects = new Map<string, ComposeProject>();
  private readonly labs = new Map<string, Lab>();
  private readonly refreshing = new Map<string, Promise<void>>();
  private readonly watchers = new Map<string, AbortController>();
  private readonly refreshTimers = new Map<string, NodeJS.Timeout>();
  private visible = false;
  /** The last answer to "does Docker answer?", for views that cannot wait for a new one. */
  lastKnownAvailable: boolean | undefined;
  private readonly changed = this.register(new vscode.EventEmitter<Lab>());
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly config: Config,
    private readonly logger: Logger,
  ) {
    super();
    this.register({
      dispose: () => {
        for (const watcher of this.watchers.values()) watcher.abort();
        for (const timer of this.refreshTimers.values()) clearTimeout(timer);
      },
    });
  }

  private load(): { readonly module: DockerBundle; readonly docker: Dockerode } {
    if (!this.bundle) {
      const module = requireBundle<DockerBundle>('docker');
      this.bundle = { module, docker: module.createDockerClient() };
    }
    return this.bundle;
  }

  /** Whether the Docker Engine answers now (cached for a few seconds). */
  available(): Promise<boolean> {
    if (this.availability && Date.now() - this.availability.at < AVAILABILITY_TTL_MS) return this.availability.answer;
    const answer = (async () => {
      try {
        const { docker } = this.load();
        await Promise.race([docker.ping(), new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 3000))]);
        this.lastKnownAvailable = true;
      } catch {
        this.lastKnownAvailable = false;
      }
      return this.lastKnownAvailable;
    })();
    this.availability = { at: Date.now(), answer };
    return answer;
  }

  /** The compose project of a lab: its compose.yaml, as `docker compose -p delabs-<id>` would run it. */
  project(lab: Lab): ComposeProject {
    // Read once per lab package version: every refresh after a burst of Docker events needs it.
    const key = `${lab.dir}@${lab.contentVersion}`;
    let project = this.projects.get(key);
    if (!project) {
      const { module } = this.load();
      project = module.readComposeFile(path.join(lab.dir, 'compose.yaml'), { projectName: `delabs-${lab.manifest.id}`, workingDir: lab.dir });
      this.projects.set(key, project);
    }
    return project;
  }

  private orchestrator(lab: Lab): ComposeOrchestrator {
    const { module, docker } = this.load();
    const settings = this.config.settings;
    return new module.ComposeOrchestrator(this.project(lab), {
      docker,
      labId: lab.manifest.id,
      images: { imageOverrides: settings.imageOverrides, registryMirror: settings.registryMirror },
      bindAddress: settings.bindAddress,
      log: (line) => this.logger.info(`[${labDisplayName(lab)}] ${line}`),
    });
  }

  /** The last known states of a lab's containers; undefined until asked (a refresh is then started). */
  statusOf(lab: Lab): readonly ServiceStatus[] | undefined {
    this.labs.set(lab.manifest.id, lab);
    const known = this.statuses.get(lab.manifest.id);
    if (!known) void this.refresh(lab);
    return known;
  }

  /** Whether any container of the lab is running. */
  isRunning(lab: Lab): boolean {
    return (this.statuses.get(lab.manifest.id) ?? []).some((status) => status.state === 'running');
  }

  /** Re-reads the lab's containers from the Engine; one read at a time per lab. */
  refresh(lab: Lab): Promise<void> {
    const id = lab.manifest.id;
    const running = this.refreshing.get(id);
    if (running) return running;
    const refresh = (async () => {
      try {
        // Restricted Mode runs nothing, and that includes asking Docker.
        if (!vscode.workspace.isTrusted || !(await this.available())) return;
        this.statuses.set(id, await this.orchestrator(lab).status());
        this.changed.fire(lab);
        this.updateWatcher(lab);
      } catch (error) {
        this.logger.warn(`Could not read the containers of ${labDisplayName(lab)}: ${error instanceof Error ? error.message : String(error)}`);
      } finally {
        this.refreshing.delete(id);
      }
    })();
    this.refreshing.set(id, refresh);
    return refresh;
  }

  /** Check Environment for a lab: every line green, or what to do. */
  async checkEnvironment(lab: Lab): Promise<EnvironmentLine[]> {
    const { module, docker } = this.load();
    return module.checkEnvironment({ docker, project: this.project(lab), services: lab.manifest.services, bindAddress: this.config.settings.bindAddress });
  }

  async start(lab: Lab, onProgress: (progress: UpProgress) => void, signal: AbortSignal): Promise<readonly ServiceStatus[]> {
    this.labs.set(lab.manifest.id, lab);
    const orchestrator = this.orchestrator(lab);
    this.logger.info(`Starting ${orchestrator.project.name}: ${orchestrator.project.services.map((service) => `${service.name} on ${orchestrator.imageOf(service)}`).join(', ')}`);
    try {
      const statuses = await orchestrator.up({ onProgress, signal, healthTimeoutMs: this.config.settings.healthTimeoutSeconds * 1000 });
      this.statuses.set(lab.manifest.id, statuses);
      return statuses;
    } finally {
      this.availability = undefined;
      await this.refresh(lab);
    }
  }

  async stop(lab: Lab): Promise<number> {
    try {
      return await this.orchestrator(lab).stop();
    } finally {
      await this.refresh(lab);
    }
  }

  async restart(lab: Lab, onProgress: (progress: UpProgress) => void, signal: AbortSignal): Promise<readonly ServiceStatus[]> {
    await this.stop(lab);
    return this.start(lab, onProgress, signal);
  }

  /** Removes the lab's containers, network and volumes (its data). */
  async removeData(lab: Lab): Promise<{ containers: number; volumes: number }> {
    try {
      const removed = await this.orchestrator(lab).down({ volumes: true });
      return { containers: removed.containers, volumes: removed.volumes };
    } finally {
      await this.refresh(lab);
    }
  }

  /** The endpoint of a lab service running in the lab's container, for the checks' resolver. */
  async endpoint(lab: Lab, service: ServiceDefinition): Promise<ServiceEndpoint | undefined> {
    if (this.config.settings.useDocker === 'never' || !(await this.available())) return undefined;
    const { module } = this.load();
    return module.containerEndpoint(this.project(lab), await this.orchestrator(lab).status(), service);
  }

  /** A terminal that follows a service's logs, stderr in red; closing it stops following. */
  showLogs(lab: Lab, serviceName: string): void {
    const orchestrator = this.orchestrator(lab);
    const write = new vscode.EventEmitter<string>();
    const controller = new AbortController();
    const pty: vscode.Pseudoterminal = {
      onDidWrite: write.event,
      open: () => {
        write.fire(`\x1b[2mLogs of ${serviceName} (${labDisplayName(lab)}), following. Close the terminal to stop.\x1b[0m\r\n`);
        void orchestrator
          .logs(serviceName, { follow: true, tail: 500, signal: controller.signal }, (text, stream) => {
            const lines = text.replace(/\r?\n/g, '\r\n');
            write.fire(stream === 'stderr' ? `\x1b[31m${lines}\x1b[0m` : lines);
          })
          .then(
            () => write.fire('\r\n\x1b[2m(the container stopped; its logs end here)\x1b[0m\r\n'),
            (error: unknown) => write.fire(`\r\n\x1b[31m${error instanceof Error ? error.message : String(error)}\x1b[0m\r\n`),
          );
      },
      close: () => {
        controller.abort();
        write.dispose();
      },
    };
    vscode.window.createTerminal({ name: `Logs: ${serviceName} (${lab.manifest.number.toString().padStart(2, '0')})`, pty, iconPath: new vscode.ThemeIcon('output') }).show();
  }

  /** A terminal with a shell inside the service's container (`docker exec`). */
  openShell(lab: Lab, serviceName: string): void {
    const status = (this.statuses.get(lab.manifest.id) ?? []).find((entry) => entry.service === serviceName);
    if (status?.state !== 'running' || !status.containerName) throw new Error(`${serviceName} is not running: start the lab's services first.`);
    vscode.window
      .createTerminal({
        name: `Shell: ${serviceName} (${lab.manifest.number.toString().padStart(2, '0')})`,
        shellPath: 'docker',
        shellArgs: ['exec', '-it', status.containerName, 'sh', '-c', 'command -v bash >/dev/null && exec bash || exec sh'],
        iconPath: new vscode.ThemeIcon('terminal'),
      })
      .show();
  }

  /** The Labs tree is visible: follow the Engine's events for the labs it shows; hidden: stop following. */
  setVisible(visible: boolean): void {
    this.visible = visible;
    for (const lab of this.labs.values()) this.updateWatcher(lab);
  }

  private updateWatcher(lab: Lab): void {
    const id = lab.manifest.id;
    const existing = this.watchers.get(id);
    const want = this.visible && this.statuses.has(id) && this.config.settings.useDocker !== 'never';
    if (!want) {
      existing?.abort();
      this.watchers.delete(id);
      return;
    }
    if (existing) return;
    const controller = new AbortController();
    this.watchers.set(id, controller);
    void this.orchestrator(lab)
      .watchEvents(() => this.scheduleRefresh(lab), controller.signal)
      .catch((error: unknown) => {
        // Docker stopped: the states are unknown until it answers again.
        this.logger.warn(`Stopped following Docker's events for ${labDisplayName(lab)}: ${error instanceof Error ? error.message : String(error)}`);
        this.statuses.delete(id);
        this.availability = undefined;
        this.changed.fire(lab);
      })
      .finally(() => {
        if (this.watchers.get(id) === controller) this.watchers.delete(id);
      });
  }

  private scheduleRefresh(lab: Lab): void {
    const id = lab.manifest.id;
    if (this.refreshTimers.has(id)) return;
    this.refreshTimers.set(
      id,
      setTimeout(() => {
        this.refreshTimers.delete(id);
        void this.refresh(lab);
      }, EVENT_REFRESH_DELAY_MS),
    );
  }
}
