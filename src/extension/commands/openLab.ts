import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Lab, LabCatalog, LabEntry } from '../../core/labs/catalog';
import { formatProblem } from '../../core/labs/problemFormat';
import { ProgressStore, type LabStatus } from '../../core/labs/progress';
import { scaffoldStarter } from '../../core/labs/scaffold';
import { labFromArgument } from '../labs/labArguments';
import { labDisplayName, showLabFiles } from '../labs/labFiles';
import type { LabService, LabState } from '../labs/labService';
import { rememberPendingOpen } from '../labs/pendingOpen';
import type { CommandHandler, CommandServices } from './types';

const STATUS_TEXT: Readonly<Record<LabStatus, string>> = {
  'not-started': '$(circle-large-outline) not started',
  'in-progress': '$(circle-large-filled) in progress',
  passed: '$(pass-filled) passed',
  'passed-on-older-version': '$(warning) passed before the lab changed',
};

interface LabPickItem extends vscode.QuickPickItem {
  readonly entry?: LabEntry;
}

async function pickLab(catalog: LabCatalog, labService: LabService): Promise<LabEntry | undefined> {
  const states = new Map<string, LabState>();
  for (const entry of catalog.entries) if (entry.status === 'ok') states.set(entry.manifest.id, await labService.stateOf(entry));
  const passedIds = new Set([...states].filter(([, state]) => state.status === 'passed' || state.status === 'passed-on-older-version').map(([id]) => id));
  const titleOf = new Map(catalog.entries.flatMap((entry) => (entry.status === 'ok' ? [[entry.manifest.id, labDisplayName(entry)] as const] : [])));

  const items: LabPickItem[] = [];
  for (const level of catalog.levels) {
    const entries = catalog.entries.filter((entry) => (entry.status === 'ok' ? entry.manifest.level : entry.level) === level.number);
    if (entries.length === 0) continue;
    items.push({ label: `Level ${level.number} · ${level.title}`, kind: vscode.QuickPickItemKind.Separator });
    for (const entry of entries) items.push(pickItem(entry, states, passedIds, titleOf));
  }
  const unplaced = catalog.entries.filter((entry) => entry.status === 'broken' && !catalog.levels.some((level) => level.number === entry.level));
  if (unplaced.length > 0) {
    items.push({ label: 'Broken labs', kind: vscode.QuickPickItemKind.Separator });
    for (const entry of unplaced) items.push(pickItem(entry, states, passedIds, titleOf));
  }
  const picked = await vscode.window.showQuickPick(items, {
    title: 'Data Labs: Open Lab',
    placeHolder: 'Pick a lab: its starter project is copied into your workspace and its brief opens',
    matchOnDescription: true,
    matchOnDetail: true,
    ignoreFocusOut: true,
  });
  return picked?.entry;
}

function pickItem(entry: LabEntry, states: Map<string, LabState>, passedIds: Set<string>, titleOf: Map<string, string>): LabPickItem {
  if (entry.status === 'broken') {
    const first = entry.problems[0];
    return {
      label: `$(error) ${entry.number === undefined ? entry.folder : String(entry.number).padStart(2, '0')} ${entry.title ?? entry.folder}`,
      description: 'broken',
      detail: first ? formatProblem(first) : 'this lab cannot be read',
      entry,
    };
  }
  const { manifest } = entry;
  const status = states.get(manifest.id)?.status ?? 'not-started';
  const missing = manifest.prerequisites.filter((id) => !passedIds.has(id));
  const lock = missing.length > 0 && status === 'not-started' ? `$(lock) after ${missing.map((id) => titleOf.get(id) ?? id).join(', ')} · ` : '';
  return {
    label: labDisplayName(entry),
    description: `${STATUS_TEXT[status]} · ${manifest.estimatedMinutes} min`,
    detail: `${lock}${manifest.summary}`,
    entry,
  };
}

/** Asks before opening a lab whose prerequisites are not passed; the learner may go ahead. */
async function confirmPrerequisites(lab: Lab, services: CommandServices): Promise<boolean> {
  const missing: string[] = [];
  for (const id of lab.manifest.prerequisites) {
    const prerequisite = await services.labService.findLab(id);
    const state = prerequisite ? await services.labService.stateOf(prerequisite) : undefined;
    if (state?.status !== 'passed' && state?.status !== 'passed-on-older-version') missing.push(prerequisite ? labDisplayName(prerequisite) : id);
  }
  if (missing.length === 0) return true;
  const state = await services.labService.stateOf(lab);
  if (state.status !== 'not-started') return true;
  const choice = await vscode.window.showWarningMessage(
    `${labDisplayName(lab)} builds on ${missing.join(' and ')}, which you have not passed yet.`,
    { modal: true, detail: 'You can open it anyway; the brief says what it assumes you know.' },
    'Open Anyway',
  );
  return choice === 'Open Anyway';
}

/** The workspace folder to scaffold into: the one the lab is already in, the only one, or the learner's choice. */
async function chooseWorkspaceFolder(lab: Lab, services: CommandServices): Promise<vscode.WorkspaceFolder | undefined> {
  const state = await services.labService.stateOf(lab);
  if (state.workspaceFolder) return state.workspaceFolder;
  const folders = (vscode.workspace.workspaceFolders ?? []).filter((folder) => folder.uri.scheme === 'file');
  if (folders.length === 1) return folders[0];
  return vscode.window.showWorkspaceFolderPick({ placeHolder: `Where should ${labDisplayName(lab)} go?`, ignoreFocusOut: true });
}

/** With no folder open: choose or create one, scaffold there, and open it (VS Code restarts the extension). */
async function openLabWithoutFolder(lab: Lab, services: CommandServices): Promise<void> {
  const choice = await vscode.window.showInformationMessage(
    'Labs are copied into a folder of yours. Use an existing folder, or create a new one?',
    { modal: true },
    'Choose Folder...',
    'Create Folder...',
  );
  if (!choice) return;
  let root: vscode.Uri | undefined;
  if (choice === 'Choose Folder...') {
    root = (await vscode.window.showOpenDialog({ canSelectFiles: false, canSelectFolders: true, canSelectMany: false, openLabel: 'Use for Labs' }))?.[0];
  } else {
    const parent = (await vscode.window.showOpenDialog({ canSelectFiles: false, canSelectFolders: true, canSelectMany: false, openLabel: 'Create the Folder Here' }))?.[0];
    if (!parent) return;
    const name = await vscode.window.showInputBox({
      prompt: `A new folder in ${parent.fsPath}`,
      value: 'data-eng-labs',
      validateInput: (value) => (/^[^/\\:*?"<>|]+$/.test(value.trim()) ? undefined : 'Use a folder name without / \\ : * ? " < > |'),
    });
    if (!name) return;
    root = vscode.Uri.joinPath(parent, name.trim());
    await vscode.workspace.fs.createDirectory(root);
  }
  if (!root) return;
  const relative = `${services.config.settings.labsFolder}/${lab.folder}`;
  const labFolder = vscode.Uri.joinPath(root, ...relative.split('/'));
  const store = new ProgressStore(root.fsPath);
  const previous = await store.read();
  const result = await scaffoldStarter(path.join(lab.dir, 'starter'), labFolder.fsPath, previous.ok ? previous.data.labs[lab.manifest.id]?.scaffolded : undefined);
  await store.update(lab.manifest.id, (current) => ({
    ...current,
    folder: relative,
    contentVersion: lab.contentVersion,
    openedAt: current?.openedAt ?? new Date().toISOString(),
    scaffolded: result.scaffolded,
  }));
  await rememberPendingOpen(services.context, { labId: lab.manifest.id, labFolder: labFolder.fsPath });
  await vscode.commands.executeCommand('vscode.openFolder', root);
}

/** Data Labs: Open Lab... — the launcher: pick a lab, scaffold its starter (never over the learner's changes), open it. */
export const openLab: CommandHandler = async (services, arg) => {
  const { labService, logger } = services;
  let lab = await labFromArgument(labService, arg);
  if (!lab) {
    const entry = await pickLab(await labService.getCatalog(), labService);
    if (!entry) return;
    if (entry.status === 'broken') {
      logger.warn(`${entry.folder} cannot be opened:\n  ${entry.problems.map(formatProblem).join('\n  ')}`);
      const choice = await vscode.window.showErrorMessage(`Data Labs: ${entry.folder} cannot be opened: its lab package is broken.`, 'Show Problems');
      if (choice) logger.show();
      return;
    }
    lab = entry;
  }
  if (!(await confirmPrerequisites(lab, services))) return;
  if (!vscode.workspace.workspaceFolders?.some((folder) => folder.uri.scheme === 'file')) {
    await openLabWithoutFolder(lab, services);
    return;
  }
  const folder = await chooseWorkspaceFolder(lab, services);
  if (!folder) return;
  const state = await labService.stateOf(lab);
  const labFolder = labService.labFolderUri(folder, lab, state.progress);
  const result = await scaffoldStarter(path.join(lab.dir, 'starter'), labFolder.fsPath, state.progress?.scaffolded);
  await labService.updateProgress(folder, lab.manifest.id, (current) => ({
    ...current,
    folder: path.relative(folder.uri.fsPath, labFolder.fsPath).split(path.sep).join('/'),
    contentVersion: lab.contentVersion,
    openedAt: current?.openedAt ?? new Date().toISOString(),
    scaffolded: result.scaffolded,
  }));
  logger.info(
    `Opened ${lab.folder} in ${labFolder.fsPath}: ${result.created.length} created, ${result.updated.length} updated, ${result.kept.length} kept, ${result.unchanged.length} unchanged`,
  );
  await showLabFiles(lab, labFolder);
  if (result.kept.length > 0) {
    void vscode.window.showInformationMessage(
      `Data Labs: your changes to ${result.kept.join(', ')} were kept. Reset Lab restores the starter, with a backup.`,
    );
  }
};
