/**
 * Every command the extension contributes, by id. Pure data (no vscode import) so a unit test can hold
 * it against package.json; the registry in index.ts must give each id a handler (the compiler checks it).
 */
export const COMMAND_IDS = [
  'delabs.lab.open',
  'delabs.checks.run',
  'delabs.services.start',
  'delabs.services.stop',
  'delabs.services.restart',
  'delabs.services.logs',
  'delabs.services.shell',
  'delabs.services.removeData',
  'delabs.services.checkEnvironment',
  'delabs.logs.show',
  'delabs.explain.query',
  'delabs.explain.analyze',
  'delabs.explain.open',
  'delabs.explain.export',
  'delabs.explain.compare',
  'delabs.er.show',
  'delabs.er.showDatabase',
  'delabs.er.export',
  'delabs.mermaid.preview',
  'delabs.lag.show',
  'delabs.sql.format',
  'delabs.lab.peekSolution',
  'delabs.lab.reset',
  'delabs.python.setup',
  'delabs.walkthrough.open',
] as const;

export type CommandId = (typeof COMMAND_IDS)[number];

/**
 * Commands declared in the manifest whose feature has not landed in this build yet, with the issue that
 * brings it. The manifest hides each from the command palette (`"when": "false"`); a unit test keeps the
 * two lists equal, so landing a feature means removing it here and unhiding it there.
 */
export const PLANNED_COMMANDS: Readonly<Partial<Record<CommandId, string>>> = {};

/** Commands that run learner code, checks or containers: refused in Restricted Mode. */
export const COMMANDS_REQUIRING_TRUST: ReadonlySet<CommandId> = new Set<CommandId>([
  'delabs.checks.run',
  'delabs.services.start',
  'delabs.services.stop',
  'delabs.services.restart',
  'delabs.services.logs',
  'delabs.services.shell',
  'delabs.services.removeData',
  'delabs.services.checkEnvironment',
  'delabs.explain.query',
  'delabs.explain.analyze',
  'delabs.explain.compare',
  'delabs.er.showDatabase',
  'delabs.lag.show',
  'delabs.lab.reset',
  'delabs.python.setup',
]);
