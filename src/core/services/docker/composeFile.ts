/**
 * A lab's compose.yaml, read into the model the orchestrator runs. Labs use a subset of the Compose
 * specification (image, command, entrypoint, environment, env_file, ports, volumes, healthcheck,
 * depends_on, restart, networks, and a few container options); anything else is refused with the file,
 * the path of the key and what to use instead, so a lab author finds out when writing the lab, not a
 * learner when starting it.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';

export type DependsOnCondition = 'service_started' | 'service_healthy' | 'service_completed_successfully';
export type RestartPolicy = 'no' | 'always' | 'on-failure' | 'unless-stopped';

export interface PortSpec {
  /** Empty: the orchestrator's bind address (127.0.0.1 unless the learner changes it). */
  readonly hostIp: string;
  /** 0: any free port. */
  readonly published: number;
  readonly target: number;
  readonly protocol: 'tcp' | 'udp';
}

export type MountSpec =
  | { readonly type: 'volume'; readonly source: string; readonly target: string; readonly readOnly: boolean }
  | { readonly type: 'bind'; readonly source: string; readonly target: string; readonly readOnly: boolean };

export interface HealthcheckSpec {
  /** Docker's form: ["CMD", ...], ["CMD-SHELL", "..."] or ["NONE"]. */
  readonly test: readonly string[];
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly retries: number;
  readonly startPeriodMs: number;
}

export interface ComposeService {
  readonly name: string;
  readonly image: string;
  readonly command?: readonly string[];
  readonly entrypoint?: readonly string[];
  readonly environment: Readonly<Record<string, string>>;
  readonly ports: readonly PortSpec[];
  readonly mounts: readonly MountSpec[];
  readonly healthcheck?: HealthcheckSpec;
  readonly dependsOn: readonly { readonly service: string; readonly condition: DependsOnCondition }[];
  readonly restart: RestartPolicy;
  /** Network names as written in the file (the default network is `default`). */
  readonly networks: readonly string[];
  readonly workingDir?: string;
  readonly user?: string;
  readonly hostname?: string;
  readonly tty: boolean;
  readonly stopGracePeriodMs?: number;
}

export interface ComposeProject {
  /** The Compose project name: `docker compose -p <name>` manages the same containers. */
  readonly name: string;
  readonly workingDir: string;
  readonly configFiles: readonly string[];
  /** In dependency order: every service after the services it depends on. */
  readonly services: readonly ComposeService[];
  /** Named volumes as written in the file. */
  readonly volumes: readonly string[];
  /** Networks as written in the file; `default` when a service uses no other. */
  readonly networks: readonly string[];
}

/** compose.yaml uses something Data Labs does not run, or is not valid; `problems` lists each. */
export class ComposeFileError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    super(`${file} cannot be run: ${problems.join('; ')}.`);
    this.name = 'ComposeFileError';
  }
}

const SERVICE_KEYS = new Set([
  'image', 'command', 'entrypoint', 'environment', 'env_file', 'ports', 'volumes', 'healthcheck', 'depends_on',
  'restart', 'networks', 'working_dir', 'user', 'hostname', 'tty', 'stop_grace_period', 'container_name',
]);
const TOP_LEVEL_KEYS = new Set(['services', 'volumes', 'networks', 'name', 'version']);
const INSTEAD: Readonly<Record<string, string>> = {
  build: 'labs run published images: push the image and name it in image',
  deploy: 'resource limits are not applied to lab services',
  profiles: 'every service of a lab starts',
  extends: 'write the service out in full',
  secrets: 'use environment or env_file',
  configs: 'use a bind mount',
  network_mode: 'services join the lab network',
  privileged: 'lab services run unprivileged',
  cap_add: 'lab services run unprivileged',
};

/** Compose project names: lower case letters, digits, `-` and `_`, starting with a letter or digit. */
export function composeProjectName(raw: string): string {
  return raw.toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^[^a-z0-9]+/, '') || 'lab';
}

/** Parses a Compose duration: 1m30s, 2s, 500ms, 1h. */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number') return value * 1000;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (!/^(\d+(\.\d+)?(h|m|s|ms|us|ns))+$/.test(text)) return undefined;
  const units: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001, ns: 0.000001 };
  let total = 0;
  for (const [, amount, , unit] of text.matchAll(/(\d+(\.\d+)?)(h|ms|m|s|us|ns)/g)) total += Number(amount) * (units[unit ?? 's'] ?? 0);
  return Math.round(total);
}

/** `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `$VAR` and `$$`, from the environment Compose would use. */
export function interpolate(value: string, env: Readonly<Record<string, string | undefined>>, where: string, problems: string[]): string {
  return value.replace(/\$(\$|\{([^}]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g, (whole, escaped: string, braced: string | undefined, bare: string | undefined) => {
    if (escaped === '$') return '$';
    const expression = braced ?? bare ?? '';
    const match = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)(.*))?$/.exec(expression);
    if (!match) {
      problems.push(`${where}: "${whole}" is not an interpolation Data Labs understands (use \${VAR} or \${VAR:-default})`);
      return whole;
    }
    const [, name = '', operator, fallback = ''] = match;
    const current = env[name];
    if (operator === ':-') return current ? current : fallback;
    if (operator === '-') return current ?? fallback;
    return current ?? '';
  });
}

interface ReadOptions {
  readonly projectName: string;
  /** The folder relative paths (bind mounts, env files) are read from. */
  readonly workingDir: string;
  /** For interpolation; the process environment by default. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** Reads and validates `<workingDir>/compose.yaml`. */
export function readComposeFile(file: string, options: ReadOptions): ComposeProject {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ComposeFileError(file, [`it could not be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`]);
  }
  return parseComposeFile(text, { ...options, file });
}

export function parseComposeFile(text: string, options: ReadOptions & { readonly file: string }): ComposeProject {
  const problems: string[] = [];
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    throw new ComposeFileError(options.file, [`it is not valid YAML (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`]);
  }
  if (!isRecord(document)) throw new ComposeFileError(options.file, ['it must be a mapping with a services key']);
  for (const key of Object.keys(document)) if (!TOP_LEVEL_KEYS.has(key)) problems.push(`${key}: ${unsupported(key)}`);
  const env = options.env ?? process.env;
  const topVolumes = namedEntries(document.volumes, 'volumes', problems, ['name', 'labels', 'driver']);
  const topNetworks = namedEntries(document.networks, 'networks', problems, ['name', 'labels', 'driver']);
  if (!isRecord(document.services) || Object.keys(document.services).length === 0) {
    throw new ComposeFileError(options.file, [...problems, 'services: at least one service is needed']);
  }
  const services: ComposeService[] = [];
  for (const [name, raw] of Object.entries(document.services)) {
    services.push(readService(name, raw, { ...options, env }, topVolumes, topNetworks, problems));
  }
  const names = new Set(services.map((service) => service.name));
  for (const service of services) {
    for (const dependency of service.dependsOn) {
      if (!names.has(dependency.service)) problems.push(`services.${service.name}.depends_on: there is no service "${dependency.service}"`);
    }
  }
  const ordered = problems.length === 0 ? dependencyOrder(services, problems) : services;
  if (problems.length > 0) throw new ComposeFileError(options.file, problems);
  const usedNetworks = new Set(services.flatMap((service) => service.networks));
  return {
    name: composeProjectName(options.projectName),
    workingDir: options.workingDir,
    configFiles: [options.file],
    services: ordered,
    volumes: topVolumes,
    networks: [...usedNetworks],
  };
}

function unsupported(key: string): string {
  const instead = INSTEAD[key];
  return instead ? `not supported by Data Labs (${instead})` : 'not supported by Data Labs';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function namedEntries(value: unknown, where: string, problems: string[], allowed: readonly string[]): string[] {
  if (value === undefined || value === null) return [];
  if (!isRecord(value)) {
    problems.push(`${where}: must be a mapping of names`);
    return [];
  }
  for (const [name, entry] of Object.entries(value)) {
    if (entry === null || entry === undefined) continue;
    if (!isRecord(entry)) {
      problems.push(`${where}.${name}: must be empty or a mapping`);
      continue;
    }
    if (entry.external) problems.push(`${where}.${name}.external: not supported by Data Labs (a lab creates what it uses)`);
    for (const key of Object.keys(entry)) if (!allowed.includes(key) && key !== 'external') problems.push(`${where}.${name}.${key}: not supported by Data Labs`);
  }
  return Object.keys(value);
}

function stringList(value: unknown, where: string, problems: string[], shell: boolean): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return shell ? splitCommand(value) : [value];
  if (Array.isArray(value) && value.every((item) => ['string', 'number', 'boolean'].includes(typeof item))) return value.map(String);
  problems.push(`${where}: must be a string or a list of strings`);
  return undefined;
}

/** Compose splits a string command like a POSIX shell would, without running one. */
export function splitCommand(command: string): string[] {
  const words: string[] = [];
  let current = '';
  let quote: '"' | "'" | undefined;
  let inWord = false;
  for (let index = 0; index < command.length; index++) {
    const char = command[index] ?? '';
    if (quote) {
      if (char === quote) quote = undefined;
      else if (char === '\\' && quote === '"' && index + 1 < command.length) current += command[++index];
      else current += char;
    } else if (char === '"' || char === "'") {
      quote = char;
      inWord = true;
    } else if (char === '\\' && index + 1 < command.length) {
      current += command[++index];
      inWord = true;
    } else if (/\s/.test(char)) {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
    } else {
      current += char;
      inWord = true;
    }
  }
  if (inWord) words.push(current);
  return words;
}

function readEnvironment(value: unknown, where: string, problems: string[], env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const result: Record<string, string> = {};
  if (value === undefined || value === null) return result;
  if (Array.isArray(value)) {
    for (const item of value) {
      const text = String(item);
      const equals = text.indexOf('=');
      if (equals < 0) {
        const fromHost = env[text];
        if (fromHost !== undefined) result[text] = fromHost;
      } else {
        result[text.slice(0, equals)] = text.slice(equals + 1);
      }
    }
  } else if (isRecord(value)) {
    for (const [key, entry] of Object.entries(value)) {
      if (entry === null || entry === undefined) {
        const fromHost = env[key];
        if (fromHost !== undefined) result[key] = fromHost;
      } else if (isRecord(entry) || Array.isArray(entry)) {
        problems.push(`${where}.${key}: must be a string, number or boolean`);
      } else {
        result[key] = String(entry);
      }
    }
  } else {
    problems.push(`${where}: must be a mapping or a list of KEY=VALUE`);
  }
  return result;
}

/** An env file: KEY=VALUE lines, # comments, optional quotes. */
export function parseEnvFile(text: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/.exec(line);
    if (!match) continue;
    let value = match[2] ?? '';
    const quoted = /^(["'])(.*)\1$/.exec(value);
    if (quoted) value = quoted[2] ?? '';
    else value = value.replace(/\s+#.*$/, '');
    result[match[1] ?? ''] = value;
  }
  return result;
}

function readPorts(value: unknown, where: string, problems: string[]): PortSpec[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    problems.push(`${where}: must be a list`);
    return [];
  }
  const ports: PortSpec[] = [];
  value.forEach((entry, index) => {
    const at = `${where}[${index}]`;
    if (isRecord(entry)) {
      const target = Number(entry.target);
      const published = entry.published === undefined ? 0 : Number(entry.published);
      const protocol = entry.protocol === 'udp' ? 'udp' : 'tcp';
      if (!validPort(target) || !(published === 0 || validPort(published))) {
        problems.push(`${at}: target and published must be port numbers`);
        return;
      }
      ports.push({ hostIp: typeof entry.host_ip === 'string' ? entry.host_ip : '', published, target, protocol });
      return;
    }
    const text = String(entry);
    const [address = '', protocol = 'tcp'] = text.split('/');
    const parts = address.split(':');
    const target = parts.pop() ?? '';
    const published = parts.pop() ?? '0';
    const hostIp = parts.join(':').replace(/^\[|\]$/g, '');
    if (!/^\d+$/.test(target) || !/^\d+$/.test(published) || !['tcp', 'udp'].includes(protocol) || (hostIp !== '' && !/^[0-9a-fA-F.:]+$/.test(hostIp))) {
      problems.push(`${at}: "${text}" is not a port Data Labs understands (use "HOST:CONTAINER", "IP:HOST:CONTAINER" or "CONTAINER"; no ranges)`);
      return;
    }
    if (!validPort(Number(target)) || !(Number(published) === 0 || validPort(Number(published)))) {
      problems.push(`${at}: "${text}" has a port outside 1-65535`);
      return;
    }
    ports.push({ hostIp, published: Number(published), target: Number(target), protocol: protocol as 'tcp' | 'udp' });
  });
  return ports;
}

function validPort(port: number): boolean {
  return Number.isInteger(port) && port >= 1 && port <= 65535;
}

function readMounts(value: unknown, where: string, problems: string[], workingDir: string, topVolumes: readonly string[]): MountSpec[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    problems.push(`${where}: must be a list`);
    return [];
  }
  const mounts: MountSpec[] = [];
  value.forEach((entry, index) => {
    const at = `${where}[${index}]`;
    let type: string;
    let source: string;
    let target: string;
    let readOnly = false;
    if (isRecord(entry)) {
      type = String(entry.type ?? 'volume');
      source = String(entry.source ?? '');
      target = String(entry.target ?? '');
      readOnly = entry.read_only === true;
    } else {
      const parts = String(entry).split(':');
      if (parts.length === 1) {
        problems.push(`${at}: anonymous volumes are not supported by Data Labs (name the volume so "remove lab data" can find it)`);
        return;
      }
      [source = '', target = ''] = parts;
      readOnly = parts[2]?.split(',').includes('ro') ?? false;
      type = source.startsWith('.') || source.startsWith('/') || source.startsWith('~') ? 'bind' : 'volume';
    }
    if (!target.startsWith('/')) {
      problems.push(`${at}: the target must be an absolute path in the container`);
      return;
    }
    if (type === 'volume') {
      if (!topVolumes.includes(source)) {
        problems.push(`${at}: the volume "${source}" must be declared under the top-level volumes`);
        return;
      }
      mounts.push({ type: 'volume', source, target, readOnly });
    } else if (type === 'bind') {
      if (source.startsWith('~')) {
        problems.push(`${at}: bind mounts must be relative to the lab folder, not the home folder`);
        return;
      }
      mounts.push({ type: 'bind', source: isAbsolute(source) ? source : resolve(workingDir, source), target, readOnly });
    } else {
      problems.push(`${at}: the mount type "${type}" is not supported by Data Labs (use volume or bind)`);
    }
  });
  return mounts;
}

function readHealthcheck(value: unknown, where: string, problems: string[]): HealthcheckSpec | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) {
    problems.push(`${where}: must be a mapping`);
    return undefined;
  }
  if (value.disable === true) return { test: ['NONE'], intervalMs: 0, timeoutMs: 0, retries: 0, startPeriodMs: 0 };
  let test: string[];
  if (typeof value.test === 'string') test = ['CMD-SHELL', value.test];
  else if (Array.isArray(value.test) && ['CMD', 'CMD-SHELL', 'NONE'].includes(String(value.test[0]))) test = value.test.map(String);
  else {
    problems.push(`${where}.test: must be a string or a list starting with CMD, CMD-SHELL or NONE`);
    return undefined;
  }
  const duration = (key: string, fallback: number): number => {
    if (value[key] === undefined) return fallback;
    const parsed = parseDuration(value[key]);
    if (parsed === undefined) problems.push(`${where}.${key}: "${String(value[key])}" is not a duration (e.g. 2s, 1m30s)`);
    return parsed ?? fallback;
  };
  for (const key of Object.keys(value)) {
    if (!['test', 'interval', 'timeout', 'retries', 'start_period', 'start_interval', 'disable'].includes(key)) problems.push(`${where}.${key}: not supported by Data Labs`);
  }
  return {
    test,
    intervalMs: duration('interval', 30_000),
    timeoutMs: duration('timeout', 30_000),
    retries: typeof value.retries === 'number' ? value.retries : 3,
    startPeriodMs: duration('start_period', 0),
  };
}

function readDependsOn(value: unknown, where: string, problems: string[]): ComposeService['dependsOn'] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value.map((service) => ({ service: String(service), condition: 'service_started' as const }));
  if (!isRecord(value)) {
    problems.push(`${where}: must be a list of services or a mapping with conditions`);
    return [];
  }
  return Object.entries(value).map(([service, entry]) => {
    const condition = isRecord(entry) ? (entry.condition ?? 'service_started') : 'service_started';
    if (!['service_started', 'service_healthy', 'service_completed_successfully'].includes(String(condition))) {
      problems.push(`${where}.${service}.condition: must be service_started, service_healthy or service_completed_successfully`);
    }
    return { service, condition: condition as DependsOnCondition };
  });
}

function readService(
  name: string,
  raw: unknown,
  options: ReadOptions & { readonly file: string; readonly env: Readonly<Record<string, string | undefined>> },
  topVolumes: readonly string[],
  topNetworks: readonly string[],
  problems: string[],
): ComposeService {
  const where = `services.${name}`;
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(name)) problems.push(`${where}: the service name must be letters, digits, "_", "." or "-"`);
  if (!isRecord(raw)) {
    problems.push(`${where}: must be a mapping`);
    return { name, image: '', environment: {}, ports: [], mounts: [], dependsOn: [], restart: 'no', networks: ['default'], tty: false };
  }
  // Interpolate every string value first, as Compose does, so that later reads see final values.
  const service = interpolateTree(raw, options.env, where, problems) as Record<string, unknown>;
  for (const key of Object.keys(service)) if (!SERVICE_KEYS.has(key)) problems.push(`${where}.${key}: ${unsupported(key)}`);
  if (service.container_name !== undefined) problems.push(`${where}.container_name: not supported by Data Labs (containers are named <project>-<service>-1 so two labs never collide)`);
  const image = typeof service.image === 'string' ? service.image.trim() : '';
  if (!image) problems.push(`${where}.image: every service needs an image`);
  const environment: Record<string, string> = {};
  for (const envFile of stringList(service.env_file, `${where}.env_file`, problems, false) ?? []) {
    const path = isAbsolute(envFile) ? envFile : join(options.workingDir, envFile);
    try {
      Object.assign(environment, parseEnvFile(readFileSync(path, 'utf8')));
    } catch {
      problems.push(`${where}.env_file: "${envFile}" could not be read`);
    }
  }
  Object.assign(environment, readEnvironment(service.environment, `${where}.environment`, problems, options.env));
  const restart = service.restart === undefined ? 'no' : String(service.restart).replace(/:\d+$/, '');
  if (!['no', 'always', 'on-failure', 'unless-stopped'].includes(restart)) problems.push(`${where}.restart: must be no, always, on-failure or unless-stopped`);
  let networks: string[] = ['default'];
  if (Array.isArray(service.networks)) networks = service.networks.map(String);
  else if (isRecord(service.networks)) networks = Object.keys(service.networks);
  else if (service.networks !== undefined) problems.push(`${where}.networks: must be a list or a mapping of network names`);
  for (const network of networks) {
    if (network !== 'default' && !topNetworks.includes(network)) problems.push(`${where}.networks: the network "${network}" must be declared under the top-level networks`);
  }
  const stopGrace = service.stop_grace_period === undefined ? undefined : parseDuration(service.stop_grace_period);
  if (service.stop_grace_period !== undefined && stopGrace === undefined) problems.push(`${where}.stop_grace_period: not a duration`);
  const command = stringList(service.command, `${where}.command`, problems, true);
  const entrypoint = stringList(service.entrypoint, `${where}.entrypoint`, problems, true);
  const healthcheck = readHealthcheck(service.healthcheck, `${where}.healthcheck`, problems);
  return {
    name,
    image,
    ...(command ? { command } : {}),
    ...(entrypoint ? { entrypoint } : {}),
    environment,
    ports: readPorts(service.ports, `${where}.ports`, problems),
    mounts: readMounts(service.volumes, `${where}.volumes`, problems, options.workingDir, topVolumes),
    ...(healthcheck ? { healthcheck } : {}),
    dependsOn: readDependsOn(service.depends_on, `${where}.depends_on`, problems),
    restart: restart as RestartPolicy,
    networks,
    ...(typeof service.working_dir === 'string' ? { workingDir: service.working_dir } : {}),
    ...(service.user !== undefined ? { user: String(service.user) } : {}),
    ...(typeof service.hostname === 'string' ? { hostname: service.hostname } : {}),
    tty: service.tty === true,
    ...(stopGrace !== undefined ? { stopGracePeriodMs: stopGrace } : {}),
  };
}

function interpolateTree(value: unknown, env: Readonly<Record<string, string | undefined>>, where: string, problems: string[]): unknown {
  if (typeof value === 'string') return interpolate(value, env, where, problems);
  if (Array.isArray(value)) return value.map((item, index) => interpolateTree(item, env, `${where}[${index}]`, problems));
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, interpolateTree(item, env, `${where}.${key}`, problems)]));
  return value;
}

/** Services in an order that starts each after what it depends on; a cycle is a problem. */
function dependencyOrder(services: readonly ComposeService[], problems: string[]): ComposeService[] {
  const byName = new Map(services.map((service) => [service.name, service]));
  const ordered: ComposeService[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (service: ComposeService, path: readonly string[]): void => {
    const seen = state.get(service.name);
    if (seen === 'done') return;
    if (seen === 'visiting') {
      problems.push(`depends_on: a cycle ${[...path, service.name].join(' -> ')}`);
      return;
    }
    state.set(service.name, 'visiting');
    for (const dependency of service.dependsOn) {
      const next = byName.get(dependency.service);
      if (next) visit(next, [...path, service.name]);
    }
    state.set(service.name, 'done');
    ordered.push(service);
  };
  for (const service of services) visit(service, []);
  return ordered;
}
