import * as path from 'node:path';
import * as vscode from 'vscode';
import { CheckCodeLensProvider } from './checks/checkCodeLens';
import { CheckDiagnostics } from './checks/checkDiagnostics';
import { CheckRunner } from './checks/checkRunner';
import { ChecksTestController } from './checks/checksTestController';
import { CheckStatusBar } from './checks/checkStatusBar';
import { CheckWatcher } from './checks/checkWatcher';
import { registerCommands } from './commands';
import { DockerServices } from './services/dockerServices';
import { EmbeddedServices } from './services/embeddedServices';
import { LabServices } from './services/labServices';
import { ServicesStatusBar } from './services/servicesStatusBar';
import { Config } from './config';
import { SqlLanguageClientHost } from './languageClient/sqlLanguageClientHost';
import { LabService } from './labs/labService';
import { resumePendingOpen } from './labs/pendingOpen';
import { SOLUTION_SCHEME, SolutionDocumentProvider } from './labs/solutionDocuments';
import { Logger } from './logger';
import { DiagramPreviews } from './diagrams/diagramPreviews';
import { LagMonitor } from './lag/lagMonitor';
import { Explainer } from './plans/explainer';
import { PlanPanel } from './plans/planPanel';
import { pythonExtensionInterpreter } from './python/pythonExtension';
import { LabsTreeProvider } from './views/labsTreeProvider';

declare global {
  /** Set by the bundle's first and last lines (scripts/build.mjs): module evaluation is part of our activation cost. */
  var __delabsModuleStart: number | undefined;
  var __delabsModuleEnd: number | undefined;
}

/** What activate() returns: the figures the activation benchmark and tests read. */
export interface DataEngLabsApi {
  /** The extension's own activation cost: evaluating its bundle plus running activate(). */
  readonly activationMs: number;
}

/** Wiring only: each piece owns its own behaviour and is disposed with the extension. */
export function activate(context: vscode.ExtensionContext): DataEngLabsApi {
  const activateStarted = performance.now();
  const moduleMs = (globalThis.__delabsModuleEnd ?? 0) - (globalThis.__delabsModuleStart ?? 0);
  const logger = new Logger();
  context.subscriptions.push(logger);
  try {
    const config = new Config();
    const labService = new LabService(path.join(context.extensionPath, 'labs'), config, logger);
    const embeddedServices = new EmbeddedServices(context, logger);
    const dockerServices = new DockerServices(config, logger);
    const labServices = new LabServices(config, embeddedServices, dockerServices);
    const checkRunner = new CheckRunner(labService, config, logger, labServices, (labFolder) => pythonExtensionInterpreter(labFolder, logger));
    const labsTree = new LabsTreeProvider(labService, checkRunner, labServices);
    const labsView = vscode.window.createTreeView('delabs.labs', { treeDataProvider: labsTree });
    // Docker's events are followed only while someone looks at the services.
    dockerServices.setVisible(labsView.visible);
    const codeLenses = new CheckCodeLensProvider(labService, checkRunner);
    const sqlClient = new SqlLanguageClientHost(context, logger, labService, labServices, config);
    const planPanel = new PlanPanel(context.extensionUri);
    const explainer = new Explainer(labService, config, labServices, planPanel, logger);
    const diagrams = new DiagramPreviews(context.extensionUri, labService, labServices, config, checkRunner, logger);
    const lagMonitor = new LagMonitor(context.extensionUri, context, labService, labServices, config, logger);
    context.subscriptions.push(
      config,
      labService,
      embeddedServices,
      dockerServices,
      labServices,
      labsView,
      labsView.onDidChangeVisibility((event) => dockerServices.setVisible(event.visible)),
      new ServicesStatusBar(labService, labServices),
      checkRunner,
      labsTree,
      codeLenses,
      new ChecksTestController(labService, checkRunner, logger),
      new CheckDiagnostics(checkRunner),
      new CheckStatusBar(labService, checkRunner),
      new CheckWatcher(labService, checkRunner, config, logger),
      vscode.languages.registerCodeLensProvider([{ scheme: 'file', pattern: '**/*.{md,py,sql,yaml,yml,json,txt,java,scala}' }], codeLenses),
      sqlClient,
      planPanel,
      diagrams,
      lagMonitor,
      vscode.workspace.registerTextDocumentContentProvider(SOLUTION_SCHEME, new SolutionDocumentProvider(labService)),
    );
    registerCommands({ context, logger, config, sqlClient, labService, checkRunner, labServices, explainer, diagrams, lagMonitor });
    // After VS Code opened the folder a lab was scaffolded into, show that lab; failures are logged there.
    void resumePendingOpen(context, labService, logger).catch((error: unknown) => logger.error('Could not reopen the lab after the folder opened', error));

    const activateMs = performance.now() - activateStarted;
    const activationMs = moduleMs + activateMs;
    const version = String((context.extension.packageJSON as { version?: unknown }).version);
    logger.info(
      `Data Engineering Labs ${version} activated in ${activationMs.toFixed(2)} ms (module ${moduleMs.toFixed(2)} ms, activate() ${activateMs.toFixed(2)} ms)`,
    );
    return { activationMs };
  } catch (error) {
    // VS Code does not show activation failures to the user; we do.
    logger.error('Activation failed', error);
    void vscode.window.showErrorMessage(
      `Data Engineering Labs could not start: ${error instanceof Error ? error.message : String(error)}`,
      'Show Logs',
    ).then((choice) => {
      if (choice) logger.show();
    });
    throw error;
  }
}

export function deactivate(): void {
  // Everything is owned by context.subscriptions, which VS Code disposes.
}
