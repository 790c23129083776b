import * as vscode from 'vscode';
import type { Lab } from '../../core/labs/catalog';
import { labForCommand } from '../checks/labLocator';
import { labDisplayName } from '../labs/labFiles';
import { runsEmbedded } from '../services/embeddedServices';
import type { CommandHandler } from './types';

/** Says what a lab needs when it cannot run on the embedded PostgreSQL, which is all this build runs. */
function explainDockerNeeded(lab: Lab): void {
  if (lab.manifest.services.length === 0) {
    void vscode.window.showInformationMessage(`Data Labs: ${labDisplayName(lab)} needs no services.`);
    return;
  }
  const needs = lab.manifest.services.filter((service) => service.kind !== 'postgres' || !service.embedded).map((service) => `${service.name} (${service.kind})`);
  void vscode.window.showWarningMessage(
    `Data Labs: ${labDisplayName(lab)} needs ${needs.join(', ')}, which run in Docker; this build starts only the embedded PostgreSQL. ` +
      'Start them with docker compose up -d in the lab package, or point dataEngLabs.services.overrides at your own.',
  );
}

/** Data Labs: Start Services — for a PostgreSQL-only lab, the embedded PostgreSQL, with no Docker. */
export const startServices: CommandHandler = async (services, arg) => {
  const lab = await labForCommand(services.labService, arg, 'Start the services of which lab?');
  if (!lab) return;
  if (!runsEmbedded(lab)) return explainDockerNeeded(lab);
  const { host, port } = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Starting the embedded PostgreSQL of ${labDisplayName(lab)}` },
    () => services.embeddedServices.start(lab),
  );
  const database = lab.manifest.services[0]?.database ?? 'postgres';
  void vscode.window.showInformationMessage(`Data Labs: PostgreSQL for ${labDisplayName(lab)} is running on ${host}:${port} (embedded). Connect with psql -h ${host} -p ${port} -U postgres ${database}.`);
};

/** Data Labs: Stop Services. */
export const stopServices: CommandHandler = async (services, arg) => {
  const lab = await labForCommand(services.labService, arg, 'Stop the services of which lab?');
  if (!lab) return;
  if (!runsEmbedded(lab)) return explainDockerNeeded(lab);
  const stopped = await services.embeddedServices.stop(lab);
  void vscode.window.showInformationMessage(stopped ? `Data Labs: stopped the services of ${labDisplayName(lab)}.` : `Data Labs: the services of ${labDisplayName(lab)} were not running.`);
};

/** Data Labs: Restart Services. */
export const restartServices: CommandHandler = async (services, arg) => {
  const lab = await labForCommand(services.labService, arg, 'Restart the services of which lab?');
  if (!lab) return;
  if (!runsEmbedded(lab)) return explainDockerNeeded(lab);
  await services.embeddedServices.stop(lab);
  const { host, port } = await services.embeddedServices.start(lab);
  void vscode.window.showInformationMessage(`Data Labs: restarted PostgreSQL for ${labDisplayName(lab)} on ${host}:${port} (embedded).`);
};
