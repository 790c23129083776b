/**
 * mermaid itself, for the mermaid check kind: large, so the build makes it a bundle of its own
 * (dist/mermaid.js) that the checks bundle and the command-line tool both load on first use.
 */
export interface MermaidApi {
  mermaidAPI: { getDiagramFromText(text: string): Promise<{ db: unknown }> };
}

let loading: Promise<MermaidApi> | undefined;

/**
 * Loads mermaid once. Outside a browser DOMPurify, which mermaid calls to sanitise labels, has no
 * `sanitize`: parsing needs none (nothing is rendered), so it gets a pass-through, only where it is
 * missing. Logging is silenced: a check reports through its verdict, not the console.
 */
export function loadMermaidRuntime(): Promise<MermaidApi> {
  loading ??= (async () => {
    // mermaid's own dependency; without it the diagrams that sanitise labels fail below, as bugs.
    const purify = (await import('dompurify').then((module) => module.default, () => ({}))) as unknown as Record<string, unknown>;
    if (typeof purify.sanitize !== 'function') {
      purify.sanitize = (text: unknown): unknown => text;
      purify.addHook = (): void => undefined;
      purify.removeHook = (): void => undefined;
      purify.removeHooks = (): void => undefined;
    }
    const mermaid = (await import('mermaid')).default;
    mermaid.initialize({ startOnLoad: false, logLevel: 'fatal' });
    return mermaid;
  })();
  loading.catch(() => {
    loading = undefined;
  });
  return loading;
}

