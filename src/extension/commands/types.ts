import type * as vscode from 'vscode';
import type { Config } from '../config';
import type { Logger } from '../logger';
import type { SqlLanguageClientHost } from '../languageClient/sqlLanguageClientHost';
import type { CheckRunner } from '../checks/checkRunner';
import type { LabService } from '../labs/labService';
import type { DiagramPreviews } from '../diagrams/diagramPreviews';
import type { Explainer } from '../plans/explainer';
import type { LagMonitor } from '../lag/lagMonitor';
import type { LabServices } from '../services/labServices';

/** What a command handler may use; built once in activate(). */
export interface CommandServices {
  readonly context: vscode.ExtensionContext;
  readonly logger: Logger;
  readonly config: Config;
  readonly sqlClient: SqlLanguageClientHost;
  readonly labService: LabService;
  readonly checkRunner: CheckRunner;
  readonly labServices: LabServices;
  readonly explainer: Explainer;
  readonly diagrams: DiagramPreviews;
  readonly lagMonitor: LagMonitor;
}

/** A command's behaviour; its id, title and category live in package.json. */
export type CommandHandler = (services: CommandServices, ...args: unknown[]) => unknown;
