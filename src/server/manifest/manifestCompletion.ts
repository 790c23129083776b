/**
 * Completion in a lab manifest: the keys the schema allows where a key is expected (those the mapping
 * does not have yet), the values of an enum or a constant where a value is expected, and the lab's own
 * service names for a check's or a checkSetup step's `service`.
 */
import { CompletionItemKind, MarkupKind, type CompletionItem, type Position, type TextEdit } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { cursorPlace, type CursorPlace } from './manifestCursor';
import { valueAt, type ManifestPath } from './manifestPath';
import { describeType, kindSummary, schemaAt, type FieldSchema } from './labSchemaView';

export function manifestCompletions(document: TextDocument, position: Position): CompletionItem[] {
  const place = cursorPlace(document.getText(), document.offsetAt(position));
  if (!place) return [];
  const range = { start: document.positionAt(place.word.start), end: document.positionAt(place.word.end) };
  if (place.role === 'key') {
    const view = schemaAt(place.path, place.root);
    const fields = (view?.fields ?? []).filter((field) => !place.existingKeys.includes(field.name));
    return fields.map((field, index) => keyItem(field, index, { range, newText: place.hasColon ? field.name : `${field.name}: ` }));
  }
  if (place.role === 'item') {
    const view = schemaAt(place.path, place.root);
    // A new item of a sequence of mappings starts with its first key; of scalars, it is a value.
    if (view && view.fields.length > 0) return view.fields.map((field, index) => keyItem(field, index, { range, newText: `${field.name}: ` }));
  }
  const prefix = place.role === 'value' && place.needsSpace ? ' ' : '';
  return valuesAt(place).map((value, index) => ({
    label: value.label,
    kind: value.kind,
    ...(value.documentation ? { documentation: { kind: MarkupKind.Markdown, value: value.documentation } } : {}),
    sortText: sortKey(index),
    textEdit: { range, newText: `${prefix}${value.label}` },
  }));
}

interface ValueChoice {
  readonly label: string;
  readonly kind: CompletionItemKind;
  readonly documentation?: string;
}

function valuesAt(place: CursorPlace): ValueChoice[] {
  if (isServiceReference(place.path)) {
    return serviceNames(place.root).map((name) => ({ label: name, kind: CompletionItemKind.Reference }));
  }
  const parent = schemaAt(place.path.slice(0, -1), place.root);
  const discriminator = parent?.discriminator;
  if (parent && discriminator && discriminator.key === place.path[place.path.length - 1]) {
    return discriminator.variants.map((variant) => ({ label: variant.value, kind: CompletionItemKind.EnumMember, documentation: kindSummary(parent, variant) }));
  }
  const view = schemaAt(place.path, place.root);
  if (!view) return [];
  // An item of a list of enum values (languages, visualisations) is offered only the values the list lacks.
  const listed = place.role === 'item' ? siblingItems(place.root, place.path) : [];
  const values = view.values.filter((value) => !listed.includes(value));
  if (values.length > 0) return values.map((value) => ({ label: String(value), kind: CompletionItemKind.EnumMember }));
  if (view.node.type === 'boolean') return ['true', 'false'].map((label) => ({ label, kind: CompletionItemKind.Value }));
  return [];
}

function keyItem(field: FieldSchema, index: number, edit: TextEdit): CompletionItem {
  return {
    label: field.name,
    kind: CompletionItemKind.Property,
    detail: describeType(field.schema),
    ...(field.schema.description ? { documentation: { kind: MarkupKind.Markdown, value: field.schema.description } } : {}),
    // The schema's order (the order of docs/lab-format.md) reads better than the alphabet.
    sortText: sortKey(index),
    textEdit: edit,
  };
}

function sortKey(index: number): string {
  return String(index).padStart(3, '0');
}

/** `checks[n].service` and `checkSetup[n].service` name one of the lab's services. */
function isServiceReference(path: ManifestPath): boolean {
  return path.length === 3 && (path[0] === 'checks' || path[0] === 'checkSetup') && typeof path[1] === 'number' && path[2] === 'service';
}

/** The other items of the sequence that holds the item at `path`. */
function siblingItems(root: unknown, path: ManifestPath): unknown[] {
  const sequence = valueAt(root, path.slice(0, -1));
  return Array.isArray(sequence) ? sequence.filter((_item, index) => index !== path[path.length - 1]) : [];
}

/** The lab's `services[].name`, as far as they are written. */
function serviceNames(root: unknown): string[] {
  const services = valueAt(root, ['services']);
  if (!Array.isArray(services)) return [];
  return services.flatMap((service: unknown) => {
    const name = valueAt(service, ['name']);
    return typeof name === 'string' ? [name] : [];
  });
}
