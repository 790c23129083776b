/**
 * The before/after of every end-to-end suite: a fresh code-server with the packaged extension, and
 * Chromium on the URL the suite needs. The last screen is saved, whatever happened.
 */
import { after, before } from 'node:test';
import { openWorkbench, type Workbench } from './browser';
import { startCodeServer, type CodeServerOptions, type CodeServerSession } from './codeServer';
import { e2eEnvironment } from './environment';

type SuiteOptions = Omit<CodeServerOptions, 'node' | 'entry' | 'vsixPath'>;

export interface WorkbenchSession {
  readonly session: CodeServerSession;
  readonly workbench: Workbench;
  /** The promise, with the extension's log added to its failure: what the extension did is the first thing to read. */
  withLog<T>(promise: Promise<T>): Promise<T>;
}

/**
 * Registers the suite's before and after hooks; read `session` and `workbench` inside tests.
 * `options` may be computed first (a Python interpreter to install, say); `url` picks what the browser
 * opens (by default the workspace folder).
 */
export function useWorkbench(
  name: string,
  options: SuiteOptions | (() => Promise<SuiteOptions>) = {},
  url: (session: CodeServerSession) => string = (session) => session.workspaceUrl,
): WorkbenchSession {
  let session: CodeServerSession | undefined;
  let workbench: Workbench | undefined;
  before(async () => {
    session = await startCodeServer({ ...e2eEnvironment(), ...(typeof options === 'function' ? await options() : options) });
    workbench = await openWorkbench(url(session));
  });
  after(async () => {
    await workbench?.screenshot(`${name}-last-state`).catch(() => undefined);
    await workbench?.close();
    await session?.stop();
  });
  const suite: WorkbenchSession = {
    get session() {
      if (!session) throw new Error('code-server has not started');
      return session;
    },
    get workbench() {
      if (!workbench) throw new Error('the browser has not opened');
      return workbench;
    },
    withLog: <T>(promise: Promise<T>): Promise<T> =>
      promise.catch((error: unknown) => {
        throw new Error(`${error instanceof Error ? error.message : String(error)}\n--- the extension's log ---\n${suite.session.extensionLog()}`);
      }),
  };
  return suite;
}
