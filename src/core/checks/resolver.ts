/**
 * The service resolver: where a lab's service runs, so that one check runs unchanged in the editor, the
 * command-line checker and CI. In order, the first that answers wins:
 *
 *   1. the environment: DELABS_SERVICE_<NAME>_URL (NAME is the service name in upper case, `-` as `_`),
 *      e.g. DELABS_SERVICE_POSTGRES_URL=postgresql://lab:lab@127.0.0.1:5432 (a test harness, CI);
 *   2. the setting dataEngLabs.services.overrides, by service name (a learner's own database);
 *   3. a container the extension started for the lab (its published port);
 *   4. the embedded PostgreSQL, for services marked `embedded: true`;
 *   5. the port the lab's compose.yaml publishes on the loopback address, for services started by hand
 *      with `docker compose up`.
 *
 * A URL without a database (postgresql://host:port) uses the service's `database`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { LabManifest, ServiceDefinition } from '../labs/labSchema';
import { CouldNotRunError, type ServiceEndpoint, type ServiceResolver } from './types';
import { serviceEnvVar } from './serviceEnv';

/** Finds a running service by other means (the extension's containers, the embedded PostgreSQL). */
export type EndpointSource = (lab: LabManifest, service: ServiceDefinition) => Promise<ServiceEndpoint | undefined>;

export interface ResolverOptions {
  /** The lab packages' folder, to read each lab's compose.yaml. */
  readonly labPackageDir: (lab: LabManifest) => string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** dataEngLabs.services.overrides: service name to URL. */
  readonly overrides?: Readonly<Record<string, string>>;
  readonly containers?: EndpointSource;
  readonly embedded?: EndpointSource;
}

export { serviceEnvVar } from './serviceEnv';

/** Turns a URL into the endpoint a check of this service's kind talks to. */
export function endpointFromUrl(service: ServiceDefinition, url: string, source: string): ServiceEndpoint {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new CouldNotRunError(`${source} for the service "${service.name}" is not a URL: "${url}".`);
  }
  if (service.kind === 'postgres') {
    if (!['postgres:', 'postgresql:'].includes(parsed.protocol)) {
      throw new CouldNotRunError(`${source} for the PostgreSQL service "${service.name}" must be a postgresql:// URL, not "${parsed.protocol}//...".`);
    }
    const database = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || service.database || 'postgres';
    return {
      kind: 'postgres',
      host: parsed.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1',
      port: parsed.port ? Number(parsed.port) : 5432,
      user: decodeURIComponent(parsed.username) || 'lab',
      password: decodeURIComponent(parsed.password),
      database,
      source,
    };
  }
  if (['http:', 'https:'].includes(parsed.protocol)) return { kind: 'http', baseUrl: url.replace(/\/+$/, ''), source };
  return { kind: 'generic', url, source };
}

interface ComposeService {
  readonly ports?: unknown;
  readonly environment?: unknown;
}

/** The host port compose.yaml publishes for the service's first container port, and its environment. */
function composeDefault(labDir: string, service: ServiceDefinition): { host: string; port: number; env: Record<string, string> } | undefined {
  let compose: { services?: Record<string, ComposeService> };
  try {
    compose = parseYaml(readFileSync(join(labDir, 'compose.yaml'), 'utf8')) as typeof compose;
  } catch {
    return undefined;
  }
  const entry = compose.services?.[service.name];
  if (!entry || !Array.isArray(entry.ports)) return undefined;
  const env: Record<string, string> = {};
  if (Array.isArray(entry.environment)) {
    for (const item of entry.environment) {
      const [key, ...rest] = String(item).split('=');
      if (key) env[key] = rest.join('=');
    }
  } else if (entry.environment && typeof entry.environment === 'object') {
    for (const [key, value] of Object.entries(entry.environment)) env[key] = String(value);
  }
  for (const port of entry.ports) {
    if (typeof port === 'object' && port !== null && 'published' in port) {
      const published = Number((port as { published: unknown }).published);
      const host = String((port as { host_ip?: unknown }).host_ip ?? '127.0.0.1');
      if (Number.isInteger(published)) return { host, port: published, env };
      continue;
    }
    const parts = String(port).split(':');
    if (parts.length === 3 && Number.isInteger(Number(parts[1]))) return { host: parts[0] ?? '127.0.0.1', port: Number(parts[1]), env };
    if (parts.length === 2 && Number.isInteger(Number(parts[0]))) return { host: '127.0.0.1', port: Number(parts[0]), env };
  }
  return undefined;
}

export function createServiceResolver(options: ResolverOptions): ServiceResolver {
  return {
    async resolve(lab, service) {
      const variable = serviceEnvVar(service.name);
      const fromEnv = options.env?.[variable]?.trim();
      if (fromEnv) return endpointFromUrl(service, fromEnv, `the environment variable ${variable}`);
      const override = options.overrides?.[service.name];
      if (override) return endpointFromUrl(service, override, 'the setting dataEngLabs.services.overrides');
      const container = await options.containers?.(lab, service);
      if (container) return container;
      if (service.kind === 'postgres' && service.embedded) {
        const embedded = await options.embedded?.(lab, service);
        if (embedded) return embedded;
      }
      const fallback = composeDefault(options.labPackageDir(lab), service);
      if (fallback) {
        const source = `the lab's compose.yaml (${fallback.host}:${fallback.port})`;
        if (service.kind === 'postgres') {
          return {
            kind: 'postgres',
            host: fallback.host,
            port: fallback.port,
            user: fallback.env.POSTGRES_USER ?? 'postgres',
            password: fallback.env.POSTGRES_PASSWORD ?? '',
            database: service.database ?? fallback.env.POSTGRES_DB ?? 'postgres',
            source,
          };
        }
        const scheme = service.kind === 'http' ? 'http' : service.kind;
        return endpointFromUrl(service, `${scheme}://${fallback.host}:${fallback.port}`, source);
      }
      throw new CouldNotRunError(
        `the service "${service.name}" is not running and the lab publishes no port for it: start the lab's services, ` +
          `or point ${variable} or dataEngLabs.services.overrides at one.`,
      );
    },
  };
}
