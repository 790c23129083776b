/** dockerode and the orchestrator, bundled on their own as dist/docker.js and loaded on first use of Docker. */
import Dockerode from 'dockerode';

export { readComposeFile, ComposeFileError } from '../../core/services/docker/composeFile';
export { ComposeOrchestrator, PortInUseError, ServiceNotHealthyError } from '../../core/services/docker/orchestrator';
export { checkEnvironment } from '../../core/services/docker/environment';
export { containerEndpoint } from '../../core/services/docker/endpoints';
export { describeDockerError, DockerCancelledError, DockerUnavailableError } from '../../core/services/docker/dockerErrors';

/** A client for the Engine at DOCKER_HOST or the platform's default socket. */
export function createDockerClient(): Dockerode {
  return new Dockerode();
}
