import type * as ChecksBundle from '../checks/checksBundle';
import type { PostgresEndpoint } from '../../core/checks/types';
import { serviceEnvVar } from '../../core/checks/serviceEnv';
import type { Lab } from '../../core/labs/catalog';
import type { ServiceDefinition } from '../../core/labs/labSchema';
import type { Config } from '../config';
import { requireBundle } from '../lazyBundle';
import { labDisplayName } from '../labs/labFiles';
import type { LabServices } from './labServices';

/** The lab's PostgreSQL service, if it has one. */
export function labPostgresService(lab: Lab): ServiceDefinition | undefined {
  return lab.manifest.services.find((candidate) => candidate.kind === 'postgres');
}

/**
 * Where the lab's PostgreSQL runs, as the checks resolve it (an override from the environment or the
 * settings, the lab's container, the embedded PostgreSQL, else the port its compose.yaml publishes).
 */
export async function resolveLabPostgres(lab: Lab, config: Config, labServices: LabServices): Promise<{ service: ServiceDefinition; endpoint: PostgresEndpoint }> {
  const service = labPostgresService(lab);
  if (!service) throw new Error(`${labDisplayName(lab)} has no PostgreSQL database.`);
  const bundle = requireBundle<typeof ChecksBundle>('checks');
  const resolver = bundle.createServiceResolver({
    labPackageDir: () => lab.dir,
    env: process.env,
    overrides: config.settings.serviceOverrides,
    containers: (_manifest, candidate) => labServices.containerEndpoint(lab, candidate),
    embedded: (_manifest, candidate) => labServices.embedded.endpoint(lab, candidate),
  });
  const endpoint = await resolver.resolve(lab.manifest, service);
  if (endpoint.kind !== 'postgres') throw new Error(`the service "${service.name}" is not a PostgreSQL database.`);
  return { service, endpoint };
}

/**
 * Whether the lab's database is worth asking for without the learner starting it: its service runs
 * (in Docker or embedded), or it is overridden to a server of the learner's own.
 */
export function labPostgresReachable(lab: Lab, config: Config, labServices: LabServices): boolean {
  const service = labPostgresService(lab);
  if (!service) return false;
  if (process.env[serviceEnvVar(service.name)] || config.settings.serviceOverrides[service.name]) return true;
  return labServices.views(lab).some((view) => view.name === service.name && view.state === 'running');
}
