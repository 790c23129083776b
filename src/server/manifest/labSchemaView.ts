/**
 * The lab JSON Schema (labJsonSchema(), exported from zod) read at a place in a manifest: which keys a
 * mapping may have there, which values a field takes, and what each one means. Unions are resolved
 * against what the manifest already says, so a `kind: sql` check offers the keys of a sql check only.
 */
import { labJsonSchema } from '../../core/labs/labSchema';
import { valueAt, type ManifestPath } from './manifestPath';

/** The part of JSON Schema that zod's export of the lab schema uses (no $ref: every node is inline). */
export interface JsonSchemaNode {
  readonly type?: string | readonly string[];
  readonly description?: string;
  readonly properties?: Readonly<Record<string, JsonSchemaNode>>;
  readonly required?: readonly string[];
  readonly items?: JsonSchemaNode;
  readonly prefixItems?: readonly JsonSchemaNode[];
  readonly oneOf?: readonly JsonSchemaNode[];
  readonly anyOf?: readonly JsonSchemaNode[];
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minItems?: number;
  readonly maxItems?: number;
}

/** One field a mapping may have, in the schema's order. */
export interface FieldSchema {
  readonly name: string;
  readonly schema: JsonSchemaNode;
  readonly required: boolean;
}

/** One variant of a union told apart by a key with a constant value, e.g. a check by its `kind`. */
export interface UnionVariant {
  readonly value: string;
  readonly schema: JsonSchemaNode;
}

/** The schema at one place, with its unions resolved as far as the manifest allows. */
export interface SchemaView {
  readonly node: JsonSchemaNode;
  /** The keys a mapping here may have; empty for a scalar or a sequence. */
  readonly fields: readonly FieldSchema[];
  readonly items?: JsonSchemaNode;
  /** The values an enum or a constant allows here. */
  readonly values: readonly unknown[];
  /** For a union told apart by a key (a check's `kind`): that key and every variant. */
  readonly discriminator?: { readonly key: string; readonly variants: readonly UnionVariant[] };
}

let labJsonSchemaNode: JsonSchemaNode | undefined;

/** Exported from zod on first use: the server also starts for SQL files alone. */
function labSchemaRoot(): JsonSchemaNode {
  // zod types its export as a loose record; the interface above names what of it is read.
  labJsonSchemaNode ??= labJsonSchema() as JsonSchemaNode;
  return labJsonSchemaNode;
}

/**
 * The schema of the node at `path` (keys of mappings and indexes of sequences from the manifest's root),
 * given the manifest's values so far (`root`), or undefined where the schema allows nothing.
 */
export function schemaAt(path: ManifestPath, root: unknown): SchemaView | undefined {
  let node: JsonSchemaNode | undefined = labSchemaRoot();
  let value = root;
  for (const step of path) {
    const view = viewOf(node, value);
    node = typeof step === 'number' ? (view.items ?? view.node.prefixItems?.[step]) : view.fields.find((field) => field.name === step)?.schema;
    if (!node) return undefined;
    value = valueAt(value, [step]);
  }
  return viewOf(node, value);
}

/** The variant of a discriminated union that `value` names, e.g. the `sql` check. */
export function variantNamed(view: SchemaView, value: unknown): UnionVariant | undefined {
  return view.discriminator?.variants.find((variant) => variant.value === value);
}

/**
 * What one kind of a union is made of, in Markdown: its description when the schema has one, and the keys
 * it adds to those every kind has, e.g. for a sql check "Needs `service`, `expect`. May have `query`, ...".
 */
export function kindSummary(union: SchemaView, variant: UnionVariant): string {
  const key = union.discriminator?.key ?? 'kind';
  const common = new Set(commonFields((union.discriminator?.variants ?? []).map((other) => other.schema)).map((field) => field.name));
  const own = fieldsOf(variant.schema).filter((field) => !common.has(field.name));
  const quoted = (fields: readonly FieldSchema[]): string => fields.map((field) => `\`${field.name}\``).join(', ');
  const needs = own.filter((field) => field.required);
  const mayHave = own.filter((field) => !field.required);
  const fieldsLine = [needs.length > 0 ? `Needs ${quoted(needs)}.` : '', mayHave.length > 0 ? `May have ${quoted(mayHave)}.` : ''].filter(Boolean).join(' ');
  return [variant.schema.description ?? '', `\`${key}: ${variant.value}\``, fieldsLine].filter(Boolean).join('\n\n');
}

function viewOf(node: JsonSchemaNode, value: unknown): SchemaView {
  const variants = node.oneOf ?? node.anyOf;
  if (!variants) return plainView(node);
  const discriminator = discriminatorOf(variants);
  if (discriminator) {
    const named = discriminator.variants.find((variant) => variant.value === valueAt(value, [discriminator.key]));
    // Without a known discriminator value only the keys every variant has are sure to be allowed.
    const fields = named ? fieldsOf(named.schema) : commonFields(variants);
    const discriminatorField: FieldSchema = {
      name: discriminator.key,
      // The key takes any variant's value, whichever one the mapping has now: the author may change it.
      schema: { type: 'string', enum: discriminator.variants.map((variant) => variant.value) },
      required: true,
    };
    // The discriminator comes first: it decides which other keys the mapping may have.
    const others = fields.filter((field) => field.name !== discriminator.key);
    return { node, fields: [discriminatorField, ...others], values: [], discriminator };
  }
  // A plain union (a sql check's expect: { scalar } | { rows } | { rowCount }): the variants the keys so far
  // fit, so that once one alternative is chosen the others are no longer offered.
  const present = keysOf(value);
  const fitting = variants.filter((variant) => present.every((key) => variant.properties?.[key] !== undefined));
  const candidates = (fitting.length > 0 ? fitting : variants).map(plainView);
  return {
    node,
    fields: uniqueByName(candidates.flatMap((candidate) => candidate.fields)),
    ...firstItems(candidates),
    values: [...new Set(candidates.flatMap((candidate) => candidate.values))],
  };
}

function plainView(node: JsonSchemaNode): SchemaView {
  const values = node.enum ?? (node.const !== undefined ? [node.const] : []);
  return { node, fields: fieldsOf(node), ...(node.items ? { items: node.items } : {}), values };
}

function firstItems(views: readonly SchemaView[]): { items?: JsonSchemaNode } {
  const items = views.find((view) => view.items)?.items;
  return items ? { items } : {};
}

function fieldsOf(node: JsonSchemaNode): FieldSchema[] {
  const required = new Set(node.required ?? []);
  return Object.entries(node.properties ?? {}).map(([name, schema]) => ({ name, schema, required: required.has(name) }));
}

function commonFields(variants: readonly JsonSchemaNode[]): FieldSchema[] {
  const [first, ...others] = variants;
  if (!first) return [];
  return fieldsOf(first).filter((field) => others.every((variant) => variant.properties?.[field.name] !== undefined));
}

/** The first of each name: the variants of a plain union repeat the keys they share. */
function uniqueByName(fields: readonly FieldSchema[]): FieldSchema[] {
  return fields.filter((field, index) => fields.findIndex((other) => other.name === field.name) === index);
}

/** The key whose constant tells every variant apart, when there is one. */
function discriminatorOf(variants: readonly JsonSchemaNode[]): SchemaView['discriminator'] {
  const first = variants[0];
  for (const key of Object.keys(first?.properties ?? {})) {
    const constants = variants.map((variant) => variant.properties?.[key]?.const);
    if (constants.every((constant): constant is string => typeof constant === 'string') && new Set(constants).size === variants.length) {
      return { key, variants: variants.map((schema, index) => ({ value: constants[index] as string, schema })) };
    }
  }
  return undefined;
}

function keysOf(value: unknown): string[] {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? Object.keys(value) : [];
}

/** A short line on what a field takes, e.g. "integer, 1 to 60", "one of postgres, kafka" or "array of (sql | python), at least 1 item". */
export function describeType(node: JsonSchemaNode): string {
  if (node.enum) return `one of ${node.enum.map(String).join(', ')}`;
  if (node.const !== undefined) return `always ${String(node.const)}`;
  const type = typeName(node);
  if (node.type === 'array') return `${type}${bounds(node.minItems, node.maxItems, 'item')}`;
  if (node.type === 'integer' || node.type === 'number') {
    return node.exclusiveMinimum !== undefined ? `${type}, above ${node.exclusiveMinimum}` : `${type}${bounds(node.minimum, node.maximum)}`;
  }
  if (node.type === 'string') return `${type}${bounds(node.minLength, node.maxLength, 'character')}`;
  return type;
}

/** The type alone, without bounds: an item's bounds in a field's one line would read as the field's own. */
function typeName(node: JsonSchemaNode): string {
  if (node.enum) return `(${node.enum.map(String).join(' | ')})`;
  if (node.const !== undefined) return String(node.const);
  const variants = node.oneOf ?? node.anyOf;
  if (variants) return [...new Set(variants.map(typeName))].join(' | ');
  if (node.type === 'array') return node.items ? `array of ${typeName(node.items)}` : 'array';
  if (Array.isArray(node.type)) return node.type.join(' | ');
  return typeof node.type === 'string' ? node.type : 'any value';
}

/** ", 1 to 60", ", at least 3 characters": the bounds of a number, a string's length or a sequence's size. */
function bounds(minimum: number | undefined, maximum: number | undefined, unit?: string): string {
  // zod writes the largest safe integer as the maximum of every integer: not a bound the lab format sets.
  const upper = maximum !== undefined && maximum < Number.MAX_SAFE_INTEGER ? maximum : undefined;
  const counted = (count: number): string => (unit === undefined ? String(count) : `${count} ${unit}${count === 1 ? '' : 's'}`);
  if (minimum !== undefined && upper !== undefined) return minimum === upper ? `, exactly ${counted(upper)}` : `, ${minimum} to ${counted(upper)}`;
  if (minimum !== undefined) return `, at least ${counted(minimum)}`;
  if (upper !== undefined) return `, at most ${counted(upper)}`;
  return '';
}
