/** A place in a lab manifest: the keys of mappings and the indexes of sequences from its root, e.g. ['checks', 2, 'kind']. */
export type ManifestPath = readonly (string | number)[];

/** The value at `path` in a manifest's parsed values, or undefined where there is none. */
export function valueAt(root: unknown, path: ManifestPath): unknown {
  let value = root;
  for (const step of path) value = value !== null && typeof value === 'object' ? (value as Record<string | number, unknown>)[step] : undefined;
  return value;
}
