/**
 * Where the cursor is in a lab manifest being typed: at a key of a mapping, at a field's value, or at an
 * item of a sequence, with the path there from the manifest's root. Text being typed seldom parses (a
 * key without its colon, a `- ` with nothing after it), so the word at the cursor is replaced with a
 * marker that makes it parse, and the parser says where the marker landed.
 */
import { isMap, isScalar, isSeq, parseDocument, type Document, type YAMLMap } from 'yaml';
import type { SourceSpan } from '../../core/labs/problems';
import type { ManifestPath } from './manifestPath';

interface PlaceBase {
  /** The word at the cursor, which a completion replaces (empty where nothing is typed yet). */
  readonly word: SourceSpan;
  /** The manifest's values as the parser reads them with the marker in, to resolve the schema's unions. */
  readonly root: unknown;
}

export type CursorPlace =
  /** A key of the mapping at `path`; `hasColon` when the key's colon is already there after the word. */
  | (PlaceBase & { readonly role: 'key'; readonly path: ManifestPath; readonly existingKeys: readonly string[]; readonly hasColon: boolean })
  /** The value of the field at `path`; `needsSpace` when the cursor is right after its colon. */
  | (PlaceBase & { readonly role: 'value'; readonly path: ManifestPath; readonly needsSpace: boolean })
  /** A new item of a sequence at `path` (its index last): a value, or the first key of a mapping. */
  | (PlaceBase & { readonly role: 'item'; readonly path: ManifestPath });

/** Stands in for the word at the cursor; no lab field or value looks like it. */
const MARKER = '__delabs_cursor__';
const WORD_CHARACTER = /[\w-]/;

export function cursorPlace(text: string, offset: number): CursorPlace | undefined {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  if (/(^|\s)#/.test(text.slice(lineStart, offset))) return undefined;
  let start = offset;
  while (start > lineStart && WORD_CHARACTER.test(text.charAt(start - 1))) start -= 1;
  // A dash that starts the word is YAML's item indicator, not part of a key or a value.
  while (start < offset && text.charAt(start) === '-') start += 1;
  let end = offset;
  while (end < text.length && WORD_CHARACTER.test(text.charAt(end))) end += 1;
  const word = { start, end };

  const beforeWord = text.slice(lineStart, start);
  const hasColon = /^[ \t]*:/.test(text.slice(end));
  // A word alone on its line is a key being typed: without a colon it would read as a scalar, or break the mapping.
  const aloneOnLine = /^\s*$/.test(beforeWord);
  const needsSpace = text.charAt(start - 1) === ':';
  const marker = aloneOnLine && !hasColon ? `${MARKER}:` : needsSpace ? ` ${MARKER}` : MARKER;
  const patched = text.slice(0, start) + marker + text.slice(end);
  const document = parseDocument(patched, { prettyErrors: false });
  const found = findMarker(document.contents, []);
  if (!found) return undefined;
  const root = parsedValues(document);
  if (found.role === 'key') {
    // Where the text around it is broken the parser may put the marker in a mapping whose keys stand in
    // another column (a key between two checks, at the column of their dashes): YAML means no such place.
    if (!found.map.flow && keyColumns(patched, found.map).some((column) => column !== start - lineStart)) return undefined;
    return { role: 'key', path: found.path, existingKeys: found.existingKeys, word, root, hasColon };
  }
  if (found.role === 'value') return { ...found, word, root, needsSpace };
  return { ...found, word, root };
}

type Found = { role: 'key'; path: ManifestPath; existingKeys: string[]; map: YAMLMap } | { role: 'value'; path: ManifestPath } | { role: 'item'; path: ManifestPath };

function findMarker(node: unknown, path: ManifestPath): Found | undefined {
  if (isMap(node)) {
    for (const pair of node.items) {
      if (!isScalar(pair.key)) continue;
      const key = String(pair.key.value);
      if (key === MARKER) {
        const existingKeys = node.items.flatMap((other) => (isScalar(other.key) && other.key.value !== MARKER ? [String(other.key.value)] : []));
        return { role: 'key', path, existingKeys, map: node };
      }
      if (isScalar(pair.value) && pair.value.value === MARKER) return { role: 'value', path: [...path, key] };
      const found = findMarker(pair.value, [...path, key]);
      if (found) return found;
    }
  }
  if (isSeq(node)) {
    for (const [index, item] of node.items.entries()) {
      if (isScalar(item) && item.value === MARKER) return { role: 'item', path: [...path, index] };
      const found = findMarker(item, [...path, index]);
      if (found) return found;
    }
  }
  return undefined;
}

/** The column of each key of a block mapping; the same for all of them when the YAML is sound. */
function keyColumns(text: string, map: YAMLMap): number[] {
  return map.items.flatMap((pair) => {
    const start = isScalar(pair.key) ? pair.key.range?.[0] : undefined;
    return start === undefined ? [] : [start - (text.lastIndexOf('\n', start - 1) + 1)];
  });
}

/** The manifest's values, to resolve the schema's unions with. */
export function parsedValues(document: Document.Parsed): unknown {
  try {
    return document.toJS();
  } catch {
    // A manifest half typed can hold what has no plain value (an alias to nothing): resolve no union then.
    return undefined;
  }
}
