import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as vscode from 'vscode';
import type { PostgresEndpoint } from '../../core/checks/types';
import type { Lab } from '../../core/labs/catalog';
import type { ServiceDefinition } from '../../core/labs/labSchema';
import type * as EmbeddedModule from '../../core/services/embeddedPostgres';
import { Disposable } from '../disposable';
import { labDisplayName } from '../labs/labFiles';
import type { Logger } from '../logger';

export type ServiceState = { readonly state: 'stopped' } | { readonly state: 'starting' } | { readonly state: 'running'; readonly host: string; readonly port: number };

/** Whether a lab's services can all run on the embedded PostgreSQL (no Docker needed). */
export function runsEmbedded(lab: Lab): boolean {
  return lab.manifest.services.length > 0 && lab.manifest.services.every((service) => service.kind === 'postgres' && service.embedded === true);
}

/**
 * The embedded PostgreSQL for each lab that runs on it: started on request, its data kept per lab in the
 * workspace storage, stopped with the lab or the extension. The checks' resolver asks it for endpoints.
 */
export class EmbeddedServices extends Disposable {
  private readonly servers = new Map<string, Promise<EmbeddedModule.EmbeddedPostgres>>();
  private readonly states = new Map<string, ServiceState>();
  private readonly changed = this.register(new vscode.EventEmitter<Lab>());
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly logger: Logger,
  ) {
    super();
    this.register({ dispose: () => void this.stopAll() });
  }

  stateOf(lab: Lab): ServiceState {
    return this.states.get(lab.manifest.id) ?? { state: 'stopped' };
  }

  /** The endpoint of a running lab's service, for the checks; undefined when it is not running. */
  async endpoint(lab: Lab, service: ServiceDefinition): Promise<PostgresEndpoint | undefined> {
    const server = this.servers.get(lab.manifest.id);
    if (!server || !runsEmbedded(lab)) return undefined;
    return (await server).endpoint(service.database ?? 'postgres');
  }

  async start(lab: Lab): Promise<{ host: string; port: number }> {
    let server = this.servers.get(lab.manifest.id);
    if (!server) {
      this.set(lab, { state: 'starting' });
      const storage = this.context.storageUri ?? this.context.globalStorageUri;
      const dataDir = path.join(storage.fsPath, 'embedded-postgres', lab.manifest.id);
      await vscode.workspace.fs.createDirectory(vscode.Uri.file(path.dirname(dataDir)));
      server = (async () => {
        // An ES module of its own beside PGlite's WebAssembly files (scripts/build.mjs).
        const module = (await import(pathToFileURL(path.join(__dirname, 'embeddedPostgres.mjs')).href)) as typeof EmbeddedModule;
        return module.startEmbeddedPostgres({ dataDir });
      })();
      this.servers.set(lab.manifest.id, server);
      try {
        const started = await server;
        this.set(lab, { state: 'running', host: started.host, port: started.port });
        this.logger.info(`Started the embedded PostgreSQL of ${labDisplayName(lab)} on ${started.host}:${started.port} (data in ${dataDir})`);
      } catch (error) {
        this.servers.delete(lab.manifest.id);
        this.set(lab, { state: 'stopped' });
        throw error;
      }
    }
    const running = await server;
    return { host: running.host, port: running.port };
  }

  async stop(lab: Lab): Promise<boolean> {
    const server = this.servers.get(lab.manifest.id);
    if (!server) return false;
    this.servers.delete(lab.manifest.id);
    try {
      await (await server).stop();
    } finally {
      this.set(lab, { state: 'stopped' });
    }
    this.logger.info(`Stopped the embedded PostgreSQL of ${labDisplayName(lab)}`);
    return true;
  }

  private async stopAll(): Promise<void> {
    const servers = [...this.servers.values()];
    this.servers.clear();
    await Promise.allSettled(servers.map(async (server) => (await server).stop()));
  }

  private set(lab: Lab, state: ServiceState): void {
    this.states.set(lab.manifest.id, state);
    this.changed.fire(lab);
  }
}
