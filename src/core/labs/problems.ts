import { LineCounter, parseDocument, isMap, isPair, isScalar, type Document } from 'yaml';
import type * as z from 'zod';
import { fieldPath, type ManifestProblem } from './problemFormat';

export { fieldPath, formatProblem, type ManifestProblem } from './problemFormat';

/** A YAML file parsed with positions, so problems can point at the line of the offending field. */
export class YamlSource {
  readonly document: Document.Parsed;
  private readonly lines = new LineCounter();

  constructor(
    readonly file: string,
    text: string,
  ) {
    this.document = parseDocument(text, { lineCounter: this.lines, prettyErrors: false, uniqueKeys: true });
  }

  /** The problems of YAML syntax itself (an unparsable file has no fields to check). */
  syntaxProblems(): ManifestProblem[] {
    return this.document.errors.map((error) => {
      const position = this.lines.linePos(error.pos[0]);
      return { file: this.file, line: position.line, column: position.col, field: '', message: `YAML: ${error.message.split('\n')[0] ?? error.code}` };
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

  problemAt(path: readonly PropertyKey[], message: string, keyOf?: string): ManifestProblem {
    const position = this.positionOf(path, keyOf);
    const field = fieldPath(keyOf === undefined ? path : [...path, keyOf]);
    return { file: this.file, ...(position ? { line: position.line, column: position.column } : {}), field, message };
  }

  /** Zod's issues as problems, each at its field's line, in words a lab author can act on. */
  schemaProblems(issues: readonly z.core.$ZodIssue[], input: unknown): ManifestProblem[] {
    return issues.flatMap((issue) => {
      if (issue.code === 'unrecognized_keys') {
        return issue.keys.map((key) => this.problemAt(issue.path, 'is not a field of this object; check its spelling in docs/lab-format.md', key));
      }
      if (issue.code === 'invalid_type' && valueAt(input, issue.path) === undefined) {
        return [this.problemAt(issue.path, 'is required')];
      }
      return [this.problemAt(issue.path, issue.message.replace(/^Invalid input: /, ''))];
    });
  }

  private toPosition(offset: number): { line: number; column: number } {
    const position = this.lines.linePos(offset);
    return { line: position.line, column: position.col };
  }
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}
