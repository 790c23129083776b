/** What the lab-manifest features add to the server's capabilities (completion and hover are shared with SQL). */
import type { ServerCapabilities } from 'vscode-languageserver';

export const MANIFEST_CAPABILITIES: ServerCapabilities = {};
