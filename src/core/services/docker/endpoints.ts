/** Where a check reaches a lab service that runs in one of the lab's containers. */
import type { ServiceEndpoint } from '../../checks/types';
import type { ServiceDefinition } from '../../labs/labSchema';
import type { ComposeProject } from './composeFile';
import type { PublishedPort, ServiceStatus } from './orchestrator';

/** The host to connect to for a published port: a wildcard binding (0.0.0.0, ::) is reached on the loopback address. */
export function connectableHost(port: PublishedPort): string {
  return !port.hostIp || port.hostIp === '0.0.0.0' || port.hostIp === '::' ? '127.0.0.1' : port.hostIp;
}

/** The endpoint of `service` from its container's first published port; undefined when it is not running. */
export function containerEndpoint(project: ComposeProject, statuses: readonly ServiceStatus[], service: ServiceDefinition): ServiceEndpoint | undefined {
  const status = statuses.find((entry) => entry.service === service.name);
  const port = status?.state === 'running' ? status.ports[0] : undefined;
  if (!status || !port) return undefined;
  const host = connectableHost(port);
  const source = `the lab's container ${status.containerName ?? service.name} (${host}:${port.hostPort})`;
  if (service.kind === 'postgres') {
    const environment = project.services.find((entry) => entry.name === service.name)?.environment ?? {};
    return {
      kind: 'postgres',
      host,
      port: port.hostPort,
      user: environment.POSTGRES_USER ?? 'postgres',
      password: environment.POSTGRES_PASSWORD ?? '',
      database: service.database ?? environment.POSTGRES_DB ?? environment.POSTGRES_USER ?? 'postgres',
      source,
    };
  }
  if (service.kind === 'http') return { kind: 'http', baseUrl: `http://${host}:${port.hostPort}`, source };
  return { kind: 'generic', url: `${service.kind}://${host}:${port.hostPort}`, source };
}
