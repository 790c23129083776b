/**
 * The labels Docker Compose puts on what it creates. With them, `docker compose -p <project> ps`, `logs`
 * and `down` see and manage the containers, network and volumes the extension created, and the extension
 * finds what `docker compose up` created.
 */
import { createHash } from 'node:crypto';
import type { ComposeProject, ComposeService } from './composeFile';

export const LABEL = {
  project: 'com.docker.compose.project',
  service: 'com.docker.compose.service',
  containerNumber: 'com.docker.compose.container-number',
  oneoff: 'com.docker.compose.oneoff',
  configHash: 'com.docker.compose.config-hash',
  workingDir: 'com.docker.compose.project.working_dir',
  configFiles: 'com.docker.compose.project.config_files',
  version: 'com.docker.compose.version',
  image: 'com.docker.compose.image',
  dependsOn: 'com.docker.compose.depends_on',
  network: 'com.docker.compose.network',
  volume: 'com.docker.compose.volume',
  /** Ours: which lab, so the Labs tree can say it. */
  lab: 'org.delabs.lab',
} as const;

/** The Compose version our labels follow (the label format of Compose v2). */
export const COMPOSE_LABEL_VERSION = '2.20.2';

/** The hash Compose compares to decide whether a container must be re-created: our resolved config. */
export function configHash(service: ComposeService, image: string, bindAddress: string): string {
  return createHash('sha256').update(JSON.stringify({ ...service, image, bindAddress })).digest('hex');
}

export function containerName(project: ComposeProject, service: ComposeService): string {
  return `${project.name}-${service.name}-1`;
}

export function networkName(project: ComposeProject, network: string): string {
  return `${project.name}_${network}`;
}

export function volumeName(project: ComposeProject, volume: string): string {
  return `${project.name}_${volume}`;
}

export function containerLabels(project: ComposeProject, service: ComposeService, labId: string, image: string, hash: string): Record<string, string> {
  return {
    [LABEL.project]: project.name,
    [LABEL.service]: service.name,
    [LABEL.containerNumber]: '1',
    [LABEL.oneoff]: 'False',
    [LABEL.configHash]: hash,
    [LABEL.workingDir]: project.workingDir,
    [LABEL.configFiles]: project.configFiles.join(','),
    [LABEL.version]: COMPOSE_LABEL_VERSION,
    [LABEL.image]: image,
    [LABEL.dependsOn]: service.dependsOn.map((dependency) => `${dependency.service}:${dependency.condition}:false`).join(','),
    [LABEL.lab]: labId,
  };
}

export function networkLabels(project: ComposeProject, network: string): Record<string, string> {
  return { [LABEL.project]: project.name, [LABEL.network]: network, [LABEL.version]: COMPOSE_LABEL_VERSION };
}

export function volumeLabels(project: ComposeProject, volume: string): Record<string, string> {
  return { [LABEL.project]: project.name, [LABEL.volume]: volume, [LABEL.version]: COMPOSE_LABEL_VERSION };
}

/** The Engine's label filter for a project. */
export function projectFilter(projectName: string): { label: string[] } {
  return { label: [`${LABEL.project}=${projectName}`] };
}
