/**
 * Hover in a lab manifest: on a key, the field's description from the schema and what it takes; on a
 * check's `kind` value, what that kind of check is made of.
 */
import { isMap, isScalar, isSeq, parseDocument, type Scalar } from 'yaml';
import type { SourceSpan } from '../../core/labs/problems';
import { describeType, kindSummary, schemaAt, variantNamed } from './labSchemaView';
import { parsedValues } from './manifestCursor';
import type { ManifestPath } from './manifestPath';

export interface ManifestHover {
  /** Markdown. */
  readonly contents: string;
  readonly span: SourceSpan;
}

export function manifestHover(text: string, offset: number): ManifestHover | undefined {
  const document = parseDocument(text, { prettyErrors: false });
  const found = scalarAt(document.contents, [], offset);
  if (!found) return undefined;
  const parent = schemaAt(found.mapPath, parsedValues(document));
  if (!parent) return undefined;
  if (found.part === 'key') {
    const field = parent.fields.find((candidate) => candidate.name === found.key);
    if (!field) return undefined;
    const typeLine = `\`${found.key}\`: ${describeType(field.schema)}`;
    return { contents: field.schema.description ? `${field.schema.description}\n\n${typeLine}` : typeLine, span: found.span };
  }
  const variant = parent.discriminator?.key === found.key ? variantNamed(parent, found.value) : undefined;
  return variant ? { contents: kindSummary(parent, variant), span: found.span } : undefined;
}

interface ScalarAtOffset {
  readonly part: 'key' | 'value';
  /** The mapping that holds the key. */
  readonly mapPath: ManifestPath;
  readonly key: string;
  /** The scalar's value (for a key, the key itself). */
  readonly value: unknown;
  readonly span: SourceSpan;
}

/** The key, or the scalar value of a key, under `offset`. */
function scalarAt(node: unknown, path: ManifestPath, offset: number): ScalarAtOffset | undefined {
  if (isMap(node)) {
    for (const pair of node.items) {
      if (!isScalar(pair.key)) continue;
      const key = String(pair.key.value);
      const keySpan = spanOf(pair.key);
      if (keySpan && contains(keySpan, offset)) return { part: 'key', mapPath: path, key, value: key, span: keySpan };
      const valueSpan = isScalar(pair.value) ? spanOf(pair.value) : undefined;
      if (isScalar(pair.value) && valueSpan && contains(valueSpan, offset)) return { part: 'value', mapPath: path, key, value: pair.value.value, span: valueSpan };
      const found = scalarAt(pair.value, [...path, key], offset);
      if (found) return found;
    }
  }
  if (isSeq(node)) {
    for (const [index, item] of node.items.entries()) {
      const found = scalarAt(item, [...path, index], offset);
      if (found) return found;
    }
  }
  return undefined;
}

function spanOf(scalar: Scalar): SourceSpan | undefined {
  return scalar.range ? { start: scalar.range[0], end: scalar.range[1] } : undefined;
}

/** Whether the cursor is on the span: at its first character, inside, or just after its last (where a click after a word lands). */
function contains(span: SourceSpan, offset: number): boolean {
  return offset >= span.start && offset <= span.end;
}
