import { LineCounter, parseDocument, isMap, isPair, isScalar, type Document, type Pair } from 'yaml';
import type * as z from 'zod';
import { fieldPath, type ManifestProblem } from './problemFormat';

export { fieldPath, formatProblem, type ManifestProblem } from './problemFormat';

/** A stretch of the text, as offsets in UTF-16 code units (as JavaScript strings count): its first character, and just past its last. */
export interface SourceSpan {
  readonly start: number;
  readonly end: number;
}

/** A problem with the stretch of text it is about, for an editor to underline; without a span it is about the whole file or another file. */
export interface LocatedProblem {
  readonly problem: ManifestProblem;
  readonly span?: SourceSpan;
}

/** A YAML file parsed with positions, so problems can point at the line of the offending field. */
export class YamlSource {
  readonly document: Document.Parsed;
  private readonly lines = new LineCounter();

  constructor(
    readonly file: string,
    private readonly text: string,
  ) {
    this.document = parseDocument(text, { lineCounter: this.lines, prettyErrors: false, uniqueKeys: true });
  }

  /** The problems of YAML syntax itself (an unparsable file has no fields to check). */
  syntaxProblems(): ManifestProblem[] {
    return this.locatedSyntaxProblems().map((located) => located.problem);
  }

  locatedSyntaxProblems(): LocatedProblem[] {
    return this.document.errors.map((error) => {
      const position = this.lines.linePos(error.pos[0]);
      return {
        problem: { file: this.file, line: position.line, column: position.col, field: '', message: `YAML: ${error.message.split('\n')[0] ?? error.code}` },
        span: { start: error.pos[0], end: Math.max(error.pos[1], error.pos[0]) },
      };
    });
  }

  toJS(): unknown {
    return this.document.toJS();
  }

  /** The position of the node at `path`, or of its nearest ancestor that exists. */
  positionOf(path: readonly PropertyKey[], keyOf?: string): { line: number; column: number } | undefined {
    for (let length = path.length; length >= 0; length -= 1) {
      const node = this.document.getIn(path.slice(0, length) as unknown[], true);
      if (keyOf !== undefined && length === path.length && isMap(node)) {
        const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && item.key.value === keyOf);
        const keyNode = pair && isScalar(pair.key) ? pair.key : undefined;
        if (keyNode?.range) return this.toPosition(keyNode.range[0]);
      }
      if (node && typeof node === 'object' && 'range' in node && Array.isArray(node.range)) return this.toPosition(node.range[0] as number);
    }
    return undefined;
  }

  /**
   * The stretch of text a problem at `path` (or at the key `keyOf` of the mapping at `path`) is about: the
   * field's key, so that an editor underlines `kind` in `kind: kafkaa`; else the value (a sequence item has
   * no key); else the nearest ancestor that exists, by its key or, without one, by its first line, because
   * a whole block underlined would hide which field is wrong.
   */
  spanOf(path: readonly PropertyKey[], keyOf?: string): SourceSpan | undefined {
    const full = keyOf === undefined ? path : [...path, keyOf];
    for (let length = full.length; length >= 0; length -= 1) {
      const keySpan = this.keySpanOf(full.slice(0, length));
      if (keySpan) return keySpan;
      const span = nodeSpan(this.document.getIn(full.slice(0, length) as unknown[], true));
      if (span) return length === full.length ? span : this.firstLineOf(span);
    }
    return undefined;
  }

  problemAt(path: readonly PropertyKey[], message: string, keyOf?: string): ManifestProblem {
    const position = this.positionOf(path, keyOf);
    const field = fieldPath(keyOf === undefined ? path : [...path, keyOf]);
    return { file: this.file, ...(position ? { line: position.line, column: position.column } : {}), field, message };
  }

  locatedProblemAt(path: readonly PropertyKey[], message: string, keyOf?: string): LocatedProblem {
    const span = this.spanOf(path, keyOf);
    return { problem: this.problemAt(path, message, keyOf), ...(span ? { span } : {}) };
  }

  /** Zod's issues as problems, each at its field's line, in words a lab author can act on. */
  schemaProblems(issues: readonly z.core.$ZodIssue[], input: unknown): ManifestProblem[] {
    return this.locatedSchemaProblems(issues, input).map((located) => located.problem);
  }

  locatedSchemaProblems(issues: readonly z.core.$ZodIssue[], input: unknown): LocatedProblem[] {
    return issues.flatMap((issue) => {
      if (issue.code === 'unrecognized_keys') {
        return issue.keys.map((key) => this.locatedProblemAt(issue.path, 'is not a field of this object; check its spelling in docs/lab-format.md', key));
      }
      if (issue.code === 'invalid_type' && valueAt(input, issue.path) === undefined) {
        return [this.locatedProblemAt(issue.path, 'is required')];
      }
      return [this.locatedProblemAt(issue.path, issue.message.replace(/^Invalid input: /, ''))];
    });
  }

  /** The span of the key of the field at `path`, when its last step is a key the mapping holds. */
  private keySpanOf(path: readonly PropertyKey[]): SourceSpan | undefined {
    const key = path[path.length - 1];
    if (typeof key !== 'string') return undefined;
    const parent = this.document.getIn(path.slice(0, -1) as unknown[], true);
    if (!isMap(parent)) return undefined;
    const pair = parent.items.find((item: Pair) => isScalar(item.key) && String(item.key.value) === key);
    return pair ? nodeSpan(pair.key) : undefined;
  }

  private firstLineOf(span: SourceSpan): SourceSpan {
    const lineBreak = /\r?\n/.exec(this.text.slice(span.start, span.end));
    return lineBreak ? { start: span.start, end: span.start + lineBreak.index } : span;
  }

  private toPosition(offset: number): { line: number; column: number } {
    const position = this.lines.linePos(offset);
    return { line: position.line, column: position.col };
  }
}

/** A parsed node's span without what trails its value (a comment, the line break). */
function nodeSpan(node: unknown): SourceSpan | undefined {
  if (node === null || typeof node !== 'object' || !('range' in node) || !Array.isArray(node.range)) return undefined;
  const [start, valueEnd] = node.range as unknown[];
  return typeof start === 'number' && typeof valueEnd === 'number' ? { start, end: valueEnd } : undefined;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}
