/** A lab package's problems as plain data and text; no parser here, so the host can format them without loading one. */

/** One thing wrong with a lab package: where (file, line, field) and what. */
export interface ManifestProblem {
  /** Relative to the labs folder, e.g. `07-analytics-star-schema/lab.yaml`. */
  readonly file: string;
  /** 1-based; absent when the problem is not at one place in the file. */
  readonly line?: number;
  readonly column?: number;
  /** The field's path, e.g. `checks[2].kind`; '' for the whole file. */
  readonly field: string;
  readonly message: string;
}

export function formatProblem(problem: ManifestProblem): string {
  const place = problem.line === undefined ? problem.file : `${problem.file}:${problem.line}:${problem.column ?? 1}`;
  return problem.field === '' ? `${place}: ${problem.message}` : `${place}: ${problem.field}: ${problem.message}`;
}

export function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, key) => (typeof key === 'number' ? `${text}[${key}]` : text === '' ? String(key) : `${text}.${String(key)}`), '');
}
