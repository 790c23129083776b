import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Lab } from '../../core/labs/catalog';
import { connectableHost } from '../../core/services/docker/endpoints';
import type { EnvironmentLine } from '../../core/services/docker/environment';
import type { ServiceStatus } from '../../core/services/docker/orchestrator';
import { labForCommand } from '../checks/labLocator';
import { labDisplayName } from '../labs/labFiles';
import { runsEmbedded } from '../services/embeddedServices';
import type { CommandHandler, CommandServices } from './types';

/** A lab that cannot run on the embedded PostgreSQL while Docker is turned off says what it needs. */
function explainDockerNeeded(lab: Lab): void {
  const needs = lab.manifest.services.filter((service) => service.kind !== 'postgres' || !service.embedded).map((service) => `${service.name} (${service.kind})`);
  void vscode.window.showWarningMessage(
    `Data Labs: ${labDisplayName(lab)} needs ${needs.join(', ')}, which run in Docker, and dataEngLabs.services.useDocker is "never". ` +
      'Set it to "auto", or point dataEngLabs.services.overrides at services of your own.',
  );
}

/** The lab of a command, or undefined after saying why there is nothing to do. */
async function labWithServices(services: CommandServices, arg: unknown, placeHolder: string): Promise<Lab | undefined> {
  const lab = await labForCommand(services.labService, arg, placeHolder);
  if (!lab) return undefined;
  if (lab.manifest.services.length === 0) {
    void vscode.window.showInformationMessage(`Data Labs: ${labDisplayName(lab)} needs no services.`);
    return undefined;
  }
  if (services.config.settings.useDocker === 'never' && !runsEmbedded(lab)) {
    explainDockerNeeded(lab);
    return undefined;
  }
  return lab;
}

function describeRunning(statuses: readonly ServiceStatus[]): string {
  return statuses
    .map((status) => {
      const port = status.ports[0];
      return `${status.service} on ${port ? `${connectableHost(port)}:${port.hostPort}` : 'no published port'}${status.health ? ` (${status.health})` : ''}`;
    })
    .join(', ');
}

/** Check Environment's lines that stop a start; an error listing them when there are any. */
function environmentProblems(lines: readonly EnvironmentLine[]): Error | undefined {
  const failed = lines.filter((line) => line.status === 'fail');
  if (failed.length === 0) return undefined;
  return new Error(`the services were not started: ${failed.map((line) => `${line.label}: ${line.detail}`).join(' ')}`);
}

async function startOnDocker(services: CommandServices, lab: Lab, restart: boolean): Promise<void> {
  const docker = services.labServices.docker;
  services.logger.info(`${restart ? 'Restarting' : 'Starting'} the services of ${labDisplayName(lab)} in Docker`);
  const statuses = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `${restart ? 'Restarting' : 'Starting'} the services of ${labDisplayName(lab)}`, cancellable: true },
    async (progress, token) => {
      const controller = new AbortController();
      token.onCancellationRequested(() => controller.abort());
      progress.report({ message: 'Checking the environment' });
      // Services start only on a machine that can run them, so a learner is never blamed for it.
      const problem = environmentProblems(await docker.checkEnvironment(lab));
      if (problem) throw problem;
      let reported = 0;
      const onProgress = (step: { message: string; percent?: number }): void => {
        const increment = step.percent !== undefined && step.percent > reported ? step.percent - reported : undefined;
        if (increment) reported += increment;
        progress.report({ message: step.message, ...(increment ? { increment } : {}) });
      };
      return restart ? docker.restart(lab, onProgress, controller.signal) : docker.start(lab, onProgress, controller.signal);
    },
  );
  void vscode.window.showInformationMessage(`Data Labs: the services of ${labDisplayName(lab)} are running in Docker: ${describeRunning(statuses)}.`);
}

async function startEmbedded(services: CommandServices, lab: Lab, restart: boolean): Promise<void> {
  const embedded = services.labServices.embedded;
  if (restart) await embedded.stop(lab);
  const { host, port } = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Starting the embedded PostgreSQL of ${labDisplayName(lab)}` },
    () => embedded.start(lab),
  );
  const database = lab.manifest.services[0]?.database ?? 'postgres';
  void vscode.window.showInformationMessage(
    restart
      ? `Data Labs: restarted PostgreSQL for ${labDisplayName(lab)} on ${host}:${port} (embedded).`
      : `Data Labs: PostgreSQL for ${labDisplayName(lab)} is running on ${host}:${port} (embedded). Connect with psql -h ${host} -p ${port} -U postgres ${database}.`,
  );
}

/** Data Labs: Start Services — in Docker, or on the embedded PostgreSQL for a PostgreSQL-only lab without it. */
export const startServices: CommandHandler = async (services, arg) => {
  const lab = await labWithServices(services, arg, 'Start the services of which lab?');
  if (!lab) return;
  if ((await services.labServices.runtimeFor(lab)) === 'embedded') return startEmbedded(services, lab, false);
  return startOnDocker(services, lab, false);
};

/** Data Labs: Restart Services. */
export const restartServices: CommandHandler = async (services, arg) => {
  const lab = await labWithServices(services, arg, 'Restart the services of which lab?');
  if (!lab) return;
  if ((await services.labServices.runtimeFor(lab)) === 'embedded') return startEmbedded(services, lab, true);
  return startOnDocker(services, lab, true);
};

/** Data Labs: Stop Services — whichever runtime they run on; the data is kept. */
export const stopServices: CommandHandler = async (services, arg) => {
  const lab = await labWithServices(services, arg, 'Stop the services of which lab?');
  if (!lab) return;
  services.logger.info(`Stopping the services of ${labDisplayName(lab)}`);
  let stopped = await services.labServices.embedded.stop(lab);
  if (services.config.settings.useDocker !== 'never' && (await services.labServices.docker.available())) {
    stopped = (await services.labServices.docker.stop(lab)) > 0 || stopped;
  }
  void vscode.window.showInformationMessage(stopped ? `Data Labs: stopped the services of ${labDisplayName(lab)}; their data is kept.` : `Data Labs: the services of ${labDisplayName(lab)} were not running.`);
};

/** Data Labs: Remove Lab Data — containers and volumes, or the embedded database's folder, after a confirmation. */
export const removeLabData: CommandHandler = async (services, arg) => {
  const lab = await labWithServices(services, arg, 'Remove the service data of which lab?');
  if (!lab) return;
  const choice = await vscode.window.showWarningMessage(
    `Remove the data of ${labDisplayName(lab)}'s services?`,
    { modal: true, detail: 'Its containers and volumes (or its embedded database) are deleted: tables and rows you loaded are gone. Your files in the workspace are not touched. The next start begins empty.' },
    'Remove Data',
  );
  if (choice !== 'Remove Data') return;
  const embedded = services.labServices.embedded;
  await embedded.stop(lab);
  const storage = services.context.storageUri ?? services.context.globalStorageUri;
  await vscode.workspace.fs.delete(vscode.Uri.file(path.join(storage.fsPath, 'embedded-postgres', lab.manifest.id)), { recursive: true, useTrash: false }).then(undefined, () => undefined);
  let removed = { containers: 0, volumes: 0 };
  if (services.config.settings.useDocker !== 'never' && (await services.labServices.docker.available())) removed = await services.labServices.docker.removeData(lab);
  void vscode.window.showInformationMessage(`Data Labs: removed the data of ${labDisplayName(lab)} (${removed.containers} containers, ${removed.volumes} volumes, and the embedded database if it had one).`);
};

/** The service a logs/shell command is about: the tree row's, the only one, or the learner's pick. */
async function pickService(lab: Lab, arg: unknown): Promise<string | undefined> {
  const fromRow = (arg as { serviceName?: unknown } | undefined)?.serviceName;
  if (typeof fromRow === 'string') return fromRow;
  const names = lab.manifest.services.map((service) => service.name);
  if (names.length === 1) return names[0];
  return vscode.window.showQuickPick(names, { placeHolder: `Which service of ${labDisplayName(lab)}?` });
}

async function dockerLab(services: CommandServices, arg: unknown, placeHolder: string): Promise<Lab | undefined> {
  const lab = await labWithServices(services, arg, placeHolder);
  if (!lab) return undefined;
  if ((await services.labServices.runtimeFor(lab)) !== 'docker') {
    void vscode.window.showInformationMessage(`Data Labs: the services of ${labDisplayName(lab)} run on the embedded PostgreSQL, inside VS Code: connect with psql to see them (the address is in the Labs view).`);
    return undefined;
  }
  return lab;
}

/** Data Labs: Show Service Logs — follows a service's logs in a terminal. */
export const showServiceLogs: CommandHandler = async (services, arg) => {
  const lab = await dockerLab(services, arg, 'Show the logs of which lab?');
  const service = lab && (await pickService(lab, arg));
  if (lab && service) services.labServices.docker.showLogs(lab, service);
};

/** Data Labs: Open Service Shell — a terminal inside the service's container. */
export const openServiceShell: CommandHandler = async (services, arg) => {
  const lab = await dockerLab(services, arg, 'Open a shell in which lab?');
  const service = lab && (await pickService(lab, arg));
  if (!lab || !service) return;
  await services.labServices.docker.refresh(lab);
  services.labServices.docker.openShell(lab, service);
};

const STATUS_ICONS: Readonly<Record<EnvironmentLine['status'], string>> = { ok: '✅', warn: '⚠️', fail: '❌', skipped: '➖' };

/** Data Labs: Check Environment — Docker, Compose, architecture, memory, disk and ports, for a lab. */
export const checkEnvironment: CommandHandler = async (services, arg) => {
  const lab = await labForCommand(services.labService, arg, 'Check the environment for which lab?');
  if (!lab) return;
  const lines = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Checking the environment for ${labDisplayName(lab)}` },
    () => services.labServices.docker.checkEnvironment(lab),
  );
  for (const line of lines) services.logger.info(`Check Environment (${labDisplayName(lab)}): ${line.status.toUpperCase()} ${line.label}: ${line.detail}`);
  const failed = lines.filter((line) => line.status === 'fail');
  const report = [
    `# Environment for ${labDisplayName(lab)}`,
    '',
    '| | Check | Result |',
    '|---|---|---|',
    ...lines.map((line) => `| ${STATUS_ICONS[line.status]} | ${line.label} | ${line.detail.replace(/\|/g, '\\|')} |`),
    '',
    failed.length === 0
      ? 'Everything this lab needs is here: Start Services will run its services in Docker.'
      : runsEmbedded(lab)
        ? 'Without Docker, this lab runs on the embedded PostgreSQL: Start Services uses it.'
        : 'Fix the lines marked ❌, then check again.',
  ].join('\n');
  const summary =
    failed.length === 0
      ? `Data Labs: the environment is ready for ${labDisplayName(lab)} (${lines.filter((line) => line.status === 'ok').length} of ${lines.length} checks fine).`
      : `Data Labs: ${failed.length} of ${lines.length} environment checks failed for ${labDisplayName(lab)}: ${failed.map((line) => `${line.label}: ${line.detail}`).join(' ')}`;
  const show = failed.length === 0 ? vscode.window.showInformationMessage : vscode.window.showWarningMessage;
  void show(summary, 'Show Report').then(async (choice) => {
    if (!choice) return;
    const document = await vscode.workspace.openTextDocument({ language: 'markdown', content: report });
    await vscode.commands.executeCommand('markdown.showPreview', document.uri);
  });
};
