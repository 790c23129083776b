/**
 * Mermaid diagrams as a learner writes them: the ```mermaid blocks of a Markdown file (or a whole .mmd
 * file), cleaned as mermaid cleans them but with each line's place in the file kept, and mermaid's parse
 * errors told with the file's line numbers. Shared by the mermaid check kind and the diagram preview.
 */

/** One diagram as mermaid sees it, with where each of its lines is in the file. */
export interface MermaidBlock {
  /** The diagram as written (front matter and directives included), to render. */
  readonly source: string;
  /** The diagram without front matter, directives, comments and leading blank lines. */
  readonly text: string;
  /** File line (1-based) of each line of `text`. */
  readonly lines: readonly number[];
  /** The first word: erDiagram, graph, ... (undefined for an empty block). */
  readonly header: string | undefined;
  /** File line where the block's content starts. */
  readonly startLine: number;
}

/**
 * Cleans a diagram the way mermaid does before parsing (front matter, %%{init}%% directives, %% comments,
 * leading blank lines), but keeps track of lines, so mermaid's line numbers can be turned into file lines.
 */
export function mermaidBlock(raw: string, startLine: number): MermaidBlock {
  const source = raw.replace(/\r\n?/g, '\n').split('\n');
  let from = 0;
  if (source[0]?.trim() === '---') {
    const close = source.findIndex((line, index) => index > 0 && line.trim() === '---');
    if (close > 0) from = close + 1;
  }
  const kept: string[] = [];
  const lines: number[] = [];
  for (let index = from; index < source.length; index += 1) {
    const line = source[index] as string;
    if (/^\s*%%/.test(line)) continue;
    if (kept.length === 0 && line.trim() === '') continue;
    kept.push(line);
    lines.push(startLine + index);
  }
  return { source: raw, text: kept.join('\n'), lines, header: /^\s*([A-Za-z][\w-]*)/.exec(kept[0] ?? '')?.[1], startLine };
}

/** The ```mermaid (or ~~~mermaid) fenced blocks of a Markdown text. */
export function markdownMermaidBlocks(text: string): MermaidBlock[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const blocks: MermaidBlock[] = [];
  for (let index = 0; index < lines.length; index += 1) {
    const open = /^ {0,3}(`{3,}|~{3,})\s*mermaid\b/.exec(lines[index] as string);
    if (!open) continue;
    const fence = open[1] as string;
    const close = new RegExp(`^ {0,3}${fence[0] === '`' ? '`' : '~'}{${fence.length},}\\s*$`);
    let end = index + 1;
    while (end < lines.length && !close.test(lines[end] as string)) end += 1;
    blocks.push(mermaidBlock(lines.slice(index + 1, end).join('\n'), index + 2));
    index = end;
  }
  return blocks;
}

/** A mermaid parse error for the learner: its first line, with the line number of the file. */
export function mermaidParseError(error: unknown, found: Pick<MermaidBlock, 'lines' | 'startLine'>): { message: string; line: number } {
  const text = error instanceof Error ? error.message : String(error);
  const first = (text.split('\n')[0] ?? text).replace(/:$/, '');
  const at = /on line (\d+)/.exec(first);
  // mermaid counts a line past the end when the diagram stops too early: that is the block's last line.
  const line = at ? (found.lines[Math.min(Number(at[1]), found.lines.length) - 1] ?? found.startLine) : found.startLine;
  let message = at ? first.replace(/on line \d+/, `on line ${line}`) : first;
  const hash = typeof error === 'object' && error !== null ? (error as { hash?: { text?: unknown; token?: unknown } }).hash : undefined;
  if (/^Parse error/.test(first) && hash) {
    const token = typeof hash.text === 'string' ? hash.text.trim() : '';
    if (token) message += `: unexpected "${token}"`;
    else if (hash.token === 'NEWLINE') message += ': the line ends too early';
    else if (hash.token === 'EOF') message += ': the diagram ends too early';
  }
  return { message, line };
}
