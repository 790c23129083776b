/**
 * The Data Labs language server's process: SQL (PostgreSQL dialect) and lab manifests, started by the
 * host's language client when the first SQL file or lab manifest opens. The features are in serverMain.ts.
 */
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './serverMain';

startServer(createConnection(ProposedFeatures.all));
