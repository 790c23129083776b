/**
 * "Check Environment": whether this machine can run a lab's services, line by line, each green or with
 * what to do. Services start only when no line fails, so a learner is never blamed for their machine.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import type Dockerode from 'dockerode';
import type { ServiceDefinition } from '../../labs/labSchema';
import type { ComposeProject } from './composeFile';
import { describeDockerError, dockerSocketPath } from './dockerErrors';
import { findPortHolder, isPortFree } from './ports';

export type EnvironmentStatus = 'ok' | 'warn' | 'fail' | 'skipped';

export interface EnvironmentLine {
  readonly label: string;
  readonly status: EnvironmentStatus;
  readonly detail: string;
}

/** Rough memory a service of each kind needs, in MiB, with the Engine's own share on top. */
const MEMORY_MIB: Readonly<Record<ServiceDefinition['kind'], number>> = {
  postgres: 256, kafka: 1024, redis: 128, minio: 256, mongodb: 512, spark: 2048, airflow: 2048, http: 128, other: 256,
};
const ENGINE_MIB = 256;
const MIN_FREE_DISK_GIB = 2;
const ARCHITECTURES: Readonly<Record<string, string>> = { x86_64: 'amd64', amd64: 'amd64', aarch64: 'arm64', arm64: 'arm64' };

export function memoryNeededMiB(services: readonly ServiceDefinition[]): number {
  return services.reduce((sum, service) => sum + MEMORY_MIB[service.kind], ENGINE_MIB);
}

export interface EnvironmentInput {
  readonly docker: Dockerode;
  readonly project: ComposeProject;
  readonly services: readonly ServiceDefinition[];
  readonly bindAddress: string;
  /** The `docker` CLI used to ask for Compose; `docker` by default. */
  readonly dockerCli?: string;
}

function run(command: string, args: readonly string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(command, [...args], { timeout: 5000 }, (error, stdout) => resolve(error ? undefined : stdout.trim()));
  });
}

function gib(bytes: number): string {
  return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
}

export async function checkEnvironment(input: EnvironmentInput): Promise<EnvironmentLine[]> {
  const lines: EnvironmentLine[] = [];
  const socket = dockerSocketPath();
  const cli = input.dockerCli ?? 'docker';
  const cliVersion = await run(cli, ['--version']);
  lines.push(
    cliVersion || existsSync(socket)
      ? { label: 'Docker installed', status: 'ok', detail: cliVersion ?? `the Engine's socket is at ${socket}` }
      : { label: 'Docker installed', status: 'fail', detail: 'Docker is not installed. Install Docker Desktop or Docker Engine, then check again.' },
  );
  let info: { Architecture?: string; MemTotal?: number; DockerRootDir?: string; OSType?: string } | undefined;
  try {
    const version = await input.docker.version();
    info = (await input.docker.info()) as typeof info;
    lines.push({ label: 'Docker running', status: 'ok', detail: `Docker Engine ${version.Version} (API ${version.ApiVersion}) on ${version.Os}/${version.Arch}` });
  } catch (error) {
    lines.push({ label: 'Docker running', status: 'fail', detail: describeDockerError(error, 'checking the environment').message });
  }
  if (!info) {
    for (const label of ['Docker Compose', 'CPU architecture', 'Memory for Docker', 'Free disk', 'Ports']) {
      lines.push({ label, status: 'skipped', detail: 'not checked: Docker does not answer.' });
    }
    return lines;
  }
  const plugin = await run(cli, ['compose', 'version', '--short']);
  const standalone = plugin ? undefined : await run('docker-compose', ['version', '--short']);
  const compose = plugin ? `${cli} compose` : standalone ? 'docker-compose' : undefined;
  lines.push(
    compose
      ? { label: 'Docker Compose', status: 'ok', detail: `Compose ${(plugin ?? standalone ?? '').replace(/^v/, '')}: ${compose} -p ${input.project.name} ps lists this lab's containers` }
      : { label: 'Docker Compose', status: 'warn', detail: 'not installed. Labs do not need it (Data Labs creates the containers itself); install the Compose plugin to manage them from a terminal too.' },
  );
  const architecture = ARCHITECTURES[info.Architecture ?? ''];
  lines.push(
    architecture
      ? { label: 'CPU architecture', status: 'ok', detail: `${architecture}: the labs' images are published for it` }
      : { label: 'CPU architecture', status: 'fail', detail: `${info.Architecture ?? 'unknown'}: the labs' images are published for amd64 and arm64 only.` },
  );
  const needed = memoryNeededMiB(input.services) * 1024 * 1024;
  const memory = info.MemTotal ?? 0;
  lines.push(
    memory >= needed
      ? { label: 'Memory for Docker', status: 'ok', detail: `${gib(memory)} given to Docker; this lab needs about ${gib(needed)}` }
      : { label: 'Memory for Docker', status: 'fail', detail: `${gib(memory)} given to Docker, but this lab needs about ${gib(needed)}. Give Docker more memory (Docker Desktop: Settings > Resources), or close other labs' services.` },
  );
  lines.push(await freeDisk(info.DockerRootDir));
  lines.push(await portsLine(input));
  return lines;
}

async function freeDisk(dockerRoot: string | undefined): Promise<EnvironmentLine> {
  // Docker Desktop keeps its data inside a VM: when its folder is not on this machine, the temp folder's disk is the best guess.
  for (const folder of [dockerRoot, tmpdir()]) {
    if (!folder) continue;
    try {
      const stats = await statfs(folder);
      const free = stats.bavail * stats.bsize;
      return free >= MIN_FREE_DISK_GIB * 1024 ** 3
        ? { label: 'Free disk', status: 'ok', detail: `${gib(free)} free at ${folder}` }
        : { label: 'Free disk', status: 'fail', detail: `only ${gib(free)} free at ${folder}; images need at least ${MIN_FREE_DISK_GIB} GiB. Free some space (docker system prune removes unused images).` };
    } catch {
      continue;
    }
  }
  return { label: 'Free disk', status: 'warn', detail: 'could not be measured.' };
}

async function portsLine(input: EnvironmentInput): Promise<EnvironmentLine> {
  const busy: string[] = [];
  const own: string[] = [];
  const checked: number[] = [];
  for (const service of input.project.services) {
    for (const port of service.ports) {
      if (port.published === 0 || port.protocol !== 'tcp') continue;
      checked.push(port.published);
      if (await isPortFree(port.hostIp || input.bindAddress, port.published)) continue;
      const holder = await findPortHolder(port.published, input.docker);
      if (holder?.project === input.project.name) own.push(`${port.published} (this lab's ${service.name}, running)`);
      else busy.push(`${port.published} (${service.name}) is in use${holder ? ` by ${holder.description}` : ''}`);
    }
  }
  if (checked.length === 0) return { label: 'Ports', status: 'ok', detail: 'the lab publishes no fixed ports' };
  if (busy.length > 0) return { label: 'Ports', status: 'fail', detail: `${busy.join('; ')}. Stop what holds it, then check again.` };
  return { label: 'Ports', status: 'ok', detail: own.length > 0 ? `${checked.join(', ')}: ${own.join(', ')}` : `${checked.join(', ')} free` };
}
