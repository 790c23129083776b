import * as vscode from 'vscode';
import { openedLabs } from '../checks/labLocator';
import type { Config } from '../config';
import { labDisplayName } from '../labs/labFiles';
import type { LabService } from '../labs/labService';
import type { Logger } from '../logger';
import { labPostgresReachable, labPostgresService, resolveLabPostgres } from '../services/labDatabase';
import type { LabServices } from '../services/labServices';
import type { LabContextParams, LabFolderContext } from '../../shared/serverProtocol';

/**
 * What the language server is told of the workspace's labs: each opened lab's folder, whether it can be
 * explained, and its database while it runs (only in a trusted workspace: the server checks statements
 * against it).
 */
export async function labContextOf(labService: LabService, labServices: LabServices, config: Config, logger: Logger): Promise<LabContextParams> {
  const labs: LabFolderContext[] = [];
  for (const { lab, labFolder } of await openedLabs(labService)) {
    const service = labPostgresService(lab);
    let database: LabFolderContext['database'];
    if (service && vscode.workspace.isTrusted && labPostgresReachable(lab, config, labServices)) {
      try {
        database = (await resolveLabPostgres(lab, config, labServices)).endpoint;
      } catch (error) {
        logger.warn(`The language server will not read the database of ${labDisplayName(lab)}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    labs.push({ folder: labFolder.toString(), label: labDisplayName(lab), explains: service !== undefined, ...(database ? { database } : {}) });
  }
  return { labs };
}
