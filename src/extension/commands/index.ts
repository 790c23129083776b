import * as vscode from 'vscode';
import { COMMANDS_REQUIRING_TRUST, type CommandId } from './commandIds';
import { comparePlans, explainAnalyze, explainQuery, exportPlan, openPlan } from './explain';
import { exportDiagram, previewMermaid, showErDiagram, showErDiagramOfDatabase } from './diagrams';
import { formatSql } from './formatSql';
import { showConsumerLag } from './lag';
import { openLab } from './openLab';
import { openWalkthrough } from './openWalkthrough';
import { peekSolution } from './peekSolution';
import { resetLab } from './resetLab';
import { runChecks } from './runChecks';
import { checkEnvironment, openServiceShell, removeLabData, restartServices, showServiceLogs, startServices, stopServices } from './services';
import { setupPython } from './setupPython';
import { showLogs } from './showLogs';
import type { CommandHandler, CommandServices } from './types';

/** The one place commands are registered; every id in package.json has exactly one handler here. */
const HANDLERS: Record<CommandId, CommandHandler> = {
  'delabs.lab.open': openLab,
  'delabs.checks.run': runChecks,
  'delabs.services.start': startServices,
  'delabs.services.stop': stopServices,
  'delabs.services.restart': restartServices,
  'delabs.services.logs': showServiceLogs,
  'delabs.services.shell': openServiceShell,
  'delabs.services.removeData': removeLabData,
  'delabs.services.checkEnvironment': checkEnvironment,
  'delabs.logs.show': showLogs,
  'delabs.explain.query': explainQuery,
  'delabs.explain.analyze': explainAnalyze,
  'delabs.explain.open': openPlan,
  'delabs.explain.export': exportPlan,
  'delabs.explain.compare': comparePlans,
  'delabs.er.show': showErDiagram,
  'delabs.er.showDatabase': showErDiagramOfDatabase,
  'delabs.er.export': exportDiagram,
  'delabs.mermaid.preview': previewMermaid,
  'delabs.lag.show': showConsumerLag,
  'delabs.sql.format': formatSql,
  'delabs.lab.peekSolution': peekSolution,
  'delabs.lab.reset': resetLab,
  'delabs.python.setup': setupPython,
  'delabs.walkthrough.open': openWalkthrough,
};

export function registerCommands(services: CommandServices): void {
  for (const [id, handler] of Object.entries(HANDLERS) as [CommandId, CommandHandler][]) {
    services.context.subscriptions.push(
      vscode.commands.registerCommand(id, (...args: unknown[]) => runCommand(id, handler, services, args)),
    );
  }
}

/** Runs a handler so that a failure becomes one sentence for the learner and the detail goes to the log. */
async function runCommand(id: CommandId, handler: CommandHandler, services: CommandServices, args: unknown[]): Promise<unknown> {
  if (COMMANDS_REQUIRING_TRUST.has(id) && !vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage(
      'Data Labs runs no checks, commands or containers in Restricted Mode. Trust this workspace to use it.',
      'Manage Workspace Trust',
    ).then((choice) => {
      if (choice) void vscode.commands.executeCommand('workbench.trust.manage');
    });
    return undefined;
  }
  try {
    return await handler(services, ...args);
  } catch (error) {
    services.logger.error(`${id} failed`, error);
    const reason = error instanceof Error ? error.message : String(error);
    // Not awaited: the command has finished; the message stays until the learner closes it.
    void vscode.window.showErrorMessage(`Data Labs: ${reason}`, 'Show Logs').then((choice) => {
      if (choice) services.logger.show();
    });
    return undefined;
  }
}
