/**
 * Runs a lab's compose.yaml on the Docker Engine through dockerode, as Docker Compose would: the same
 * names and labels (so `docker compose -p <project> ps/logs/down` manage the same things), pulls with
 * progress, creation of what is missing, start in dependency order honouring depends_on conditions, and
 * health waited on through the Engine's event stream. A start that fails removes what it created.
 */
import { PassThrough, type Readable } from 'node:stream';
import type Dockerode from 'dockerode';
import type { ComposeProject, ComposeService } from './composeFile';
import { DockerCancelledError, DockerUnavailableError, describeDockerError, isNotFound } from './dockerErrors';
import { resolveImage, type ImageSettings } from './images';
import { LABEL, configHash, containerLabels, containerName, networkLabels, networkName, projectFilter, volumeLabels, volumeName } from './labels';
import { demuxBuffer, readJsonLines } from './engineStreams';
import { findPortHolder, isPortFree, waitOutClosedConnections } from './ports';
import { pullImage } from './pull';

export type ContainerState = 'not created' | 'created' | 'running' | 'restarting' | 'paused' | 'exited' | 'dead' | 'removing';
export type HealthState = 'starting' | 'healthy' | 'unhealthy';

export interface PublishedPort {
  readonly hostIp: string;
  readonly hostPort: number;
  readonly containerPort: number;
}

export interface ServiceStatus {
  readonly service: string;
  readonly state: ContainerState;
  /** Only for services with a healthcheck. */
  readonly health?: HealthState;
  readonly containerName?: string;
  readonly containerId?: string;
  readonly image: string;
  readonly ports: readonly PublishedPort[];
}

export interface UpProgress {
  /** One line for a progress notification. */
  readonly message: string;
  /** Share of the whole start done, 0 to 100, when known. */
  readonly percent?: number;
}

export interface UpOptions {
  readonly onProgress?: (progress: UpProgress) => void;
  readonly signal?: AbortSignal;
  /** How long every service may take to become healthy; 120 s by default. */
  readonly healthTimeoutMs?: number;
}

export interface OrchestratorOptions {
  readonly docker: Dockerode;
  readonly labId: string;
  readonly images?: ImageSettings;
  /** Where ports without an address in compose.yaml are published; 127.0.0.1 by default. */
  readonly bindAddress?: string;
  /** Progress and decisions, for the extension's log. */
  readonly log?: (line: string) => void;
}

/** A published port is held by something else; names the holder when it can. */
export class PortInUseError extends Error {
  constructor(
    readonly port: number,
    readonly service: string,
    holder: string | undefined,
  ) {
    super(
      `port ${port}, which the service "${service}" publishes, is already in use${holder ? ` by ${holder}` : ''}. ` +
        'Stop what holds it (or the other lab using it), then start again.',
    );
    this.name = 'PortInUseError';
  }
}

/** A service did not become healthy or stopped while it was being waited on. */
export class ServiceNotHealthyError extends Error {
  constructor(
    readonly service: string,
    reason: string,
    readonly logTail: string,
  ) {
    super(`the service "${service}" ${reason}.${logTail ? ` Its last log lines:\n${logTail}` : ' It wrote no log lines.'}`);
    this.name = 'ServiceNotHealthyError';
  }
}

const NANOS_PER_MS = 1_000_000;
const LOG_TAIL_LINES = 15;

interface Created {
  readonly containers: string[];
  readonly networks: string[];
  readonly volumes: string[];
}

export class ComposeOrchestrator {
  private readonly docker: Dockerode;
  private readonly bindAddress: string;
  private readonly log: (line: string) => void;

  constructor(
    readonly project: ComposeProject,
    private readonly options: OrchestratorOptions,
  ) {
    this.docker = options.docker;
    this.bindAddress = options.bindAddress ?? '127.0.0.1';
    this.log = options.log ?? (() => undefined);
  }

  /** The image a service runs after overrides and the mirror. */
  imageOf(service: ComposeService): string {
    return resolveImage(service.image, this.options.images ?? {});
  }

  /** Pulls, creates and starts what is missing, and waits until every service is healthy. */
  async up(options: UpOptions = {}): Promise<ServiceStatus[]> {
    const action = `starting the services of ${this.project.name}`;
    const created: Created = { containers: [], networks: [], volumes: [] };
    let answered = false;
    try {
      await this.docker.ping();
      answered = true;
      throwIfAborted(options.signal, 'Starting the services');
      const existing = await this.containersByService();
      await this.checkPorts(existing, options);
      await this.pullMissing(options);
      await this.ensureNetworks(created);
      await this.ensureVolumes(created);
      const limitMs = options.healthTimeoutMs ?? 120_000;
      const deadline = { at: Date.now() + limitMs, seconds: Math.round(limitMs / 1000) };
      const total = this.project.services.length;
      for (const [index, service] of this.project.services.entries()) {
        throwIfAborted(options.signal, 'Starting the services');
        for (const dependency of service.dependsOn) {
          if (dependency.condition === 'service_started') continue;
          options.onProgress?.({ message: `Waiting for ${dependency.service} (${dependency.condition.replace('service_', '').replace(/_/g, ' ')})` });
          await this.waitFor(dependency.service, dependency.condition === 'service_healthy' ? 'healthy' : 'completed', deadline, options.signal);
        }
        options.onProgress?.({ message: `Starting ${service.name}`, percent: 50 + Math.round((40 * index) / total) });
        const container = await this.ensureContainer(service, existing.get(service.name), created);
        await startIfNeeded(container);
        this.log(`Started ${containerName(this.project, service)} (${this.imageOf(service)})`);
      }
      for (const service of this.project.services) {
        if (!hasHealthcheck(service)) continue;
        options.onProgress?.({ message: `Waiting for ${service.name} to become healthy`, percent: 90 });
        await this.waitFor(service.name, 'healthy', deadline, options.signal);
      }
      return await this.status();
    } catch (error) {
      const described = describeDockerError(error, action, answered);
      await this.rollBack(created, described);
      throw described;
    }
  }

  /** Stops every running container of the project, last-started first. */
  async stop(): Promise<number> {
    const action = `stopping the services of ${this.project.name}`;
    try {
      const existing = await this.containersByService();
      let stopped = 0;
      for (const service of [...this.project.services].reverse()) {
        const info = existing.get(service.name);
        if (!info || info.State !== 'running') continue;
        const seconds = Math.ceil((service.stopGracePeriodMs ?? 10_000) / 1000);
        await this.docker.getContainer(info.Id).stop({ t: seconds }).catch(ignoreStatus(304));
        stopped++;
      }
      // Containers of services no longer in compose.yaml (or created by hand) stop too.
      for (const info of existing.values()) {
        if (info.State === 'running' && !this.project.services.some((service) => service.name === info.Labels[LABEL.service])) {
          await this.docker.getContainer(info.Id).stop().catch(ignoreStatus(304));
          stopped++;
        }
      }
      return stopped;
    } catch (error) {
      throw describeDockerError(error, action, true);
    }
  }

  /** Stops and starts again, waiting for health. */
  async restart(options: UpOptions = {}): Promise<ServiceStatus[]> {
    await this.stop();
    return this.up(options);
  }

  /** Removes the project's containers and networks, and with `volumes` its data. Like `docker compose down`. */
  async down(options: { readonly volumes?: boolean } = {}): Promise<{ containers: number; networks: number; volumes: number }> {
    const action = `removing the services of ${this.project.name}`;
    try {
      const containers = await this.docker.listContainers({ all: true, filters: projectFilter(this.project.name) });
      for (const info of containers) await this.docker.getContainer(info.Id).remove({ force: true }).catch(ignoreStatus(404));
      const networks = await this.docker.listNetworks({ filters: projectFilter(this.project.name) });
      for (const network of networks) await this.docker.getNetwork(network.Id).remove().catch(ignoreStatus(404));
      let volumes = 0;
      if (options.volumes) {
        const listed = (await this.docker.listVolumes({ filters: projectFilter(this.project.name) })).Volumes ?? [];
        for (const volume of listed) await this.docker.getVolume(volume.Name).remove().catch(ignoreStatus(404));
        volumes = listed.length;
      }
      return { containers: containers.length, networks: networks.length, volumes };
    } catch (error) {
      throw describeDockerError(error, action, true);
    }
  }

  /** Every service of compose.yaml with its container's state, health and published ports. */
  async status(): Promise<ServiceStatus[]> {
    const existing = await this.containersByService();
    return this.project.services.map((service) => {
      const info = existing.get(service.name);
      if (!info) return { service: service.name, state: 'not created', image: this.imageOf(service), ports: [] };
      const health = /\((healthy|unhealthy|health: starting)\)/.exec(info.Status)?.[1];
      return {
        service: service.name,
        state: info.State as ContainerState,
        ...(health ? { health: health === 'health: starting' ? 'starting' : (health as HealthState) } : {}),
        containerName: (info.Names[0] ?? '').replace(/^\//, ''),
        containerId: info.Id,
        image: info.Image,
        ports: info.Ports.filter((port) => port.PublicPort)
          .map((port) => ({ hostIp: port.IP ?? '', hostPort: port.PublicPort, containerPort: port.PrivatePort }))
          .filter((port, index, all) => all.findIndex((other) => other.hostPort === port.hostPort) === index),
      };
    });
  }

  /**
   * Streams a service's logs, stdout and stderr apart (demultiplexed unless the container has a TTY).
   * With `follow`, until the signal aborts or the container is removed.
   */
  async logs(
    serviceName: string,
    options: { readonly follow: boolean; readonly tail?: number; readonly signal?: AbortSignal },
    onText: (text: string, stream: 'stdout' | 'stderr') => void,
  ): Promise<void> {
    const info = (await this.containersByService()).get(serviceName);
    if (!info) throw new Error(`the service "${serviceName}" has no container; start the lab's services first.`);
    const container = this.docker.getContainer(info.Id);
    const tty = Boolean((await container.inspect()).Config.Tty);
    const base = { stdout: true, stderr: true, tail: options.tail ?? 200 };
    if (!options.follow) {
      const buffer = (await container.logs({ ...base, follow: false })) as unknown as Buffer;
      if (tty) onText(buffer.toString('utf8'), 'stdout');
      else for (const frame of demuxBuffer(buffer)) onText(frame.text, frame.stream);
      return;
    }
    const stream = (await container.logs({ ...base, follow: true })) as unknown as Readable;
    await new Promise<void>((resolve, reject) => {
      const abort = (): void => {
        stream.destroy();
        resolve();
      };
      if (options.signal?.aborted) return abort();
      options.signal?.addEventListener('abort', abort, { once: true });
      if (tty) {
        stream.on('data', (chunk: Buffer) => onText(chunk.toString('utf8'), 'stdout'));
      } else {
        const stdout = new PassThrough();
        const stderr = new PassThrough();
        stdout.on('data', (chunk: Buffer) => onText(chunk.toString('utf8'), 'stdout'));
        stderr.on('data', (chunk: Buffer) => onText(chunk.toString('utf8'), 'stderr'));
        this.docker.modem.demuxStream(stream, stdout, stderr);
      }
      stream.on('end', () => resolve());
      stream.on('close', () => resolve());
      stream.on('error', (error) => (options.signal?.aborted ? resolve() : reject(describeDockerError(error, `following the logs of ${serviceName}`, true))));
    });
  }

  /** The last lines a service wrote, for messages. */
  async lastLogLines(serviceName: string, lines = LOG_TAIL_LINES): Promise<string> {
    let text = '';
    try {
      await this.logs(serviceName, { follow: false, tail: lines }, (chunk) => (text += chunk));
    } catch {
      return '';
    }
    return text.trimEnd().split('\n').slice(-lines).join('\n');
  }

  /**
   * Calls `onEvent` for each Engine event about the project's containers (start, die, health_status, ...)
   * until the signal aborts. Resolves when the stream ends; rejects when Docker stops answering.
   */
  async watchEvents(onEvent: (event: { service: string; action: string }) => void, signal: AbortSignal): Promise<void> {
    const stream = (await this.docker.getEvents({ filters: { type: ['container'], ...projectFilter(this.project.name) } })) as unknown as Readable;
    await readJsonLines(stream, signal, (event: EngineEvent) => {
      const service = event.Actor?.Attributes?.[LABEL.service];
      if (service && event.Action) onEvent({ service, action: event.Action });
    });
  }

  /** The project's containers by service label (the first of each). */
  private async containersByService(): Promise<Map<string, Dockerode.ContainerInfo>> {
    const containers = await this.docker.listContainers({ all: true, filters: projectFilter(this.project.name) });
    const byService = new Map<string, Dockerode.ContainerInfo>();
    for (const info of containers) {
      const service = info.Labels[LABEL.service];
      if (service && !byService.has(service) && info.Labels[LABEL.oneoff] !== 'True') byService.set(service, info);
    }
    return byService;
  }

  private async checkPorts(existing: Map<string, Dockerode.ContainerInfo>, options: UpOptions): Promise<void> {
    for (const service of this.project.services) {
      const running = existing.get(service.name);
      if (running?.State === 'running') continue;
      for (const port of service.ports) {
        if (port.published === 0 || port.protocol !== 'tcp') continue;
        const host = port.hostIp || this.bindAddress;
        if (await isPortFree(host, port.published)) continue;
        const onWait = (message: string): void => {
          this.options.log?.(message);
          options.onProgress?.({ message });
        };
        if (await waitOutClosedConnections(host, port.published, { ...(options.signal ? { signal: options.signal } : {}), onWait })) continue;
        throwIfAborted(options.signal, 'Starting the services');
        const holder = await findPortHolder(port.published, this.docker);
        throw new PortInUseError(port.published, service.name, holder?.description);
      }
    }
  }

  private async pullMissing(options: UpOptions): Promise<void> {
    const images = [...new Set(this.project.services.map((service) => this.imageOf(service)))];
    for (const [index, image] of images.entries()) {
      try {
        await this.docker.getImage(image).inspect();
        continue;
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
      options.onProgress?.({ message: `Pulling ${image}`, percent: Math.round((50 * index) / images.length) });
      this.log(`Pulling ${image}`);
      await pullImage(this.docker, image, (percent, detail) =>
        options.onProgress?.({ message: `Pulling ${image}: ${detail}`, percent: Math.round((50 * (index + percent / 100)) / images.length) }),
      options.signal);
    }
  }

  private async ensureNetworks(created: Created): Promise<void> {
    for (const network of this.project.networks) {
      const name = networkName(this.project, network);
      try {
        await this.docker.getNetwork(name).inspect();
      } catch (error) {
        if (!isNotFound(error)) throw error;
        await this.docker.createNetwork({ Name: name, Driver: 'bridge', Labels: networkLabels(this.project, network), CheckDuplicate: true });
        created.networks.push(name);
      }
    }
  }

  private async ensureVolumes(created: Created): Promise<void> {
    for (const volume of this.project.volumes) {
      const name = volumeName(this.project, volume);
      try {
        await this.docker.getVolume(name).inspect();
      } catch (error) {
        if (!isNotFound(error)) throw error;
        await this.docker.createVolume({ Name: name, Labels: volumeLabels(this.project, volume) });
        created.volumes.push(name);
      }
    }
  }

  /** The service's container: reused when its config hash matches, else (re-)created. */
  private async ensureContainer(service: ComposeService, existing: Dockerode.ContainerInfo | undefined, created: Created): Promise<Dockerode.Container> {
    const image = this.imageOf(service);
    const hash = configHash(service, image, this.bindAddress);
    if (existing && existing.Labels[LABEL.configHash] === hash) return this.docker.getContainer(existing.Id);
    if (existing) {
      this.log(`Re-creating ${service.name}: its configuration changed`);
      await this.docker.getContainer(existing.Id).remove({ force: true });
    }
    const networks = service.networks.map((network) => networkName(this.project, network));
    const exposed: Record<string, object> = {};
    const bindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
    for (const port of service.ports) {
      const key = `${port.target}/${port.protocol}`;
      exposed[key] = {};
      (bindings[key] ??= []).push({ HostIp: port.hostIp || this.bindAddress, HostPort: port.published ? String(port.published) : '' });
    }
    const healthcheck = service.healthcheck;
    const container = await this.docker.createContainer({
      name: containerName(this.project, service),
      Image: image,
      ...(service.command ? { Cmd: [...service.command] } : {}),
      ...(service.entrypoint ? { Entrypoint: [...service.entrypoint] } : {}),
      Env: Object.entries(service.environment).map(([key, value]) => `${key}=${value}`),
      Labels: containerLabels(this.project, service, this.options.labId, image, hash),
      ExposedPorts: exposed,
      Tty: service.tty,
      ...(service.workingDir ? { WorkingDir: service.workingDir } : {}),
      ...(service.user ? { User: service.user } : {}),
      ...(service.hostname ? { Hostname: service.hostname } : {}),
      ...(service.stopGracePeriodMs !== undefined ? { StopTimeout: Math.ceil(service.stopGracePeriodMs / 1000) } : {}),
      ...(healthcheck
        ? {
            Healthcheck: {
              Test: [...healthcheck.test],
              Interval: healthcheck.intervalMs * NANOS_PER_MS,
              Timeout: healthcheck.timeoutMs * NANOS_PER_MS,
              Retries: healthcheck.retries,
              StartPeriod: healthcheck.startPeriodMs * NANOS_PER_MS,
            },
          }
        : {}),
      HostConfig: {
        PortBindings: bindings,
        Mounts: service.mounts.map((mount) => ({
          Type: mount.type,
          Source: mount.type === 'volume' ? volumeName(this.project, mount.source) : mount.source,
          Target: mount.target,
          ReadOnly: mount.readOnly,
        })),
        RestartPolicy: { Name: service.restart === 'no' ? '' : service.restart },
        NetworkMode: networks[0] ?? 'bridge',
      },
      NetworkingConfig: { EndpointsConfig: Object.fromEntries(networks.slice(0, 1).map((network) => [network, { Aliases: [service.name] }])) },
    });
    created.containers.push(container.id);
    for (const network of networks.slice(1)) {
      await this.docker.getNetwork(network).connect({ Container: container.id, EndpointConfig: { Aliases: [service.name] } });
    }
    return container;
  }

  /**
   * Waits until a service is healthy (or, for `completed`, exited with 0), following the Engine's events
   * for its container; fails with its last log lines when it stops, turns unhealthy past its retries,
   * or the deadline passes.
   */
  private async waitFor(serviceName: string, goal: 'healthy' | 'completed', deadline: { readonly at: number; readonly seconds: number }, signal: AbortSignal | undefined): Promise<void> {
    throwIfAborted(signal, 'Starting the services');
    const info = (await this.containersByService()).get(serviceName);
    if (!info) throw new Error(`the service "${serviceName}" has no container.`);
    const container = this.docker.getContainer(info.Id);
    const events = new AbortController();
    const stopEvents = (): void => events.abort();
    signal?.addEventListener('abort', stopEvents, { once: true });
    let settle: ((error?: Error) => void) | undefined;
    const settled = new Promise<void>((resolve, reject) => {
      settle = (error) => (error ? reject(error) : resolve());
    });
    // Settled before the race below listens, when the first look already decides.
    settled.catch(() => undefined);
    const check = async (): Promise<void> => {
      const state = (await container.inspect()).State;
      if (goal === 'completed') {
        if (state.Status === 'exited' || state.Status === 'dead') {
          if (state.ExitCode === 0) settle?.();
          else settle?.(new ServiceNotHealthyError(serviceName, `exited with code ${state.ExitCode} (the services after it need it to complete successfully)`, await this.lastLogLines(serviceName)));
        }
        return;
      }
      const health = state.Health?.Status;
      if (health === 'healthy') return settle?.();
      if (state.Status === 'exited' || state.Status === 'dead') {
        settle?.(new ServiceNotHealthyError(serviceName, `stopped (exit code ${state.ExitCode}) before it became healthy`, await this.lastLogLines(serviceName)));
      } else if (health === 'unhealthy') {
        settle?.(new ServiceNotHealthyError(serviceName, 'is unhealthy: its healthcheck failed every retry', await this.lastLogLines(serviceName)));
      } else if (!health && state.Status === 'running') {
        settle?.(); // No healthcheck: started is as healthy as it gets.
      }
    };
    const timer = setTimeout(() => {
      void this.lastLogLines(serviceName).then((tail) =>
        settle?.(new ServiceNotHealthyError(serviceName, `did not become ${goal === 'healthy' ? 'healthy' : 'complete'} within ${deadline.seconds} s`, tail)),
      );
    }, Math.max(0, deadline.at - Date.now()));
    try {
      const stream = (await this.docker.getEvents({ filters: { type: ['container'], container: [info.Id] } })) as unknown as Readable;
      // Subscribed before the first look, so no change between the two is missed.
      const watching = readJsonLines(stream, events.signal, () => void check().catch((error: unknown) => settle?.(asError(error))));
      void watching.catch((error: unknown) => settle?.(asError(error)));
      await check();
      await Promise.race([
        settled,
        new Promise<never>((_, reject) => {
          if (signal?.aborted) reject(new DockerCancelledError('Starting the services'));
          signal?.addEventListener('abort', () => reject(new DockerCancelledError('Starting the services')), { once: true });
        }),
      ]);
    } finally {
      clearTimeout(timer);
      events.abort();
      signal?.removeEventListener('abort', stopEvents);
    }
  }

  /** Removes what this start created, so a failed start leaves nothing half-made behind. */
  private async rollBack(created: Created, cause: Error): Promise<void> {
    if (created.containers.length + created.networks.length + created.volumes.length === 0) return;
    if (cause instanceof DockerUnavailableError) {
      this.log(`Could not remove what the failed start created: Docker is not answering (${created.containers.length} containers; "Remove Lab Data" or docker compose -p ${this.project.name} down removes them later)`);
      return;
    }
    this.log(`Start failed (${cause.message.split('\n')[0]}); removing the ${created.containers.length} containers, ${created.networks.length} networks and ${created.volumes.length} volumes it created`);
    for (const id of created.containers.reverse()) await this.docker.getContainer(id).remove({ force: true, v: true }).catch(() => undefined);
    for (const name of created.networks) await this.docker.getNetwork(name).remove().catch(() => undefined);
    for (const name of created.volumes) await this.docker.getVolume(name).remove().catch(() => undefined);
  }
}

interface EngineEvent {
  readonly Action?: string;
  readonly Actor?: { readonly Attributes?: Readonly<Record<string, string>> };
}

function hasHealthcheck(service: ComposeService): boolean {
  return Boolean(service.healthcheck && service.healthcheck.test[0] !== 'NONE');
}

async function startIfNeeded(container: Dockerode.Container): Promise<void> {
  await container.start().catch(ignoreStatus(304));
}

function ignoreStatus(status: number): (error: unknown) => void {
  return (error) => {
    if ((error as { statusCode?: number }).statusCode !== status) throw error;
  };
}

function throwIfAborted(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted) throw new DockerCancelledError(what);
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
