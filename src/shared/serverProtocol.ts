/**
 * The Data Labs language server's own messages, beyond the Language Server Protocol. Types and method
 * names only: the host (vscode-languageclient) and the server (vscode-languageserver) each build their
 * message types from these.
 */
import type { PostgresEndpoint } from '../core/checks/types';

/** One lab opened in the workspace, as the server needs it. */
export interface LabFolderContext {
  /** The lab's folder (file: URI). */
  readonly folder: string;
  /** "07 PostgreSQL analytics schema (star/snowflake model)". */
  readonly label: string;
  /** The lab has a PostgreSQL service: its statements can be explained (the Explain CodeLens). */
  readonly explains: boolean;
  /**
   * The lab's running database, when there is one and the workspace is trusted: completion and hover
   * read its tables, and statements are checked against it by EXPLAIN (never run). Absent otherwise.
   */
  readonly database?: PostgresEndpoint;
}

/** Host to server, a notification: the labs of the workspace, sent at start and whenever they or their services change. */
export interface LabContextParams {
  readonly labs: readonly LabFolderContext[];
}

export const LAB_CONTEXT_NOTIFICATION = 'delabs/labContext';
