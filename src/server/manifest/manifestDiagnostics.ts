/**
 * A lab manifest's problems as the editor's diagnostics: the loader's own validation (validateLabManifest,
 * shared with the catalog) run on the editor's text, each problem underlined where it lies.
 */
import { basename, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DiagnosticSeverity, type Diagnostic, type Range } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { validateLabManifest, validateManifestText, type LabManifestValidation } from '../../core/labs/catalog';
import type { ManifestProblem } from '../../core/labs/problems';

export const DIAGNOSTIC_SOURCE = 'Data Labs';

/** Problems about the whole package (a missing README.md) have no place in the manifest: its first character stands for it. */
const START_OF_FILE: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

export function manifestDiagnostics(document: TextDocument): Diagnostic[] {
  const { validation, manifestFile } = validate(document.uri, document.getText());
  return validation.problems.map(({ problem, span }) => ({
    range: span ? { start: document.positionAt(span.start), end: document.positionAt(span.end) } : START_OF_FILE,
    severity: DiagnosticSeverity.Error,
    source: DIAGNOSTIC_SOURCE,
    message: diagnosticMessage(problem, manifestFile),
  }));
}

function validate(uri: string, text: string): { validation: LabManifestValidation; manifestFile: string } {
  if (uri.startsWith('file:')) {
    // The lab package is the manifest's folder on disk: its files and compose.yaml are checked as the loader checks them.
    const dir = dirname(fileURLToPath(uri));
    const folder = basename(dir);
    return { validation: validateLabManifest(text, dir, folder), manifestFile: `${folder}/lab.yaml` };
  }
  // Elsewhere (a virtual file system) there is no package to look at: the YAML and the schema only.
  return { validation: validateManifestText(text, 'lab.yaml'), manifestFile: 'lab.yaml' };
}

/** The loader's words (formatProblem's, without the place the range already gives); another file's problem keeps its file. */
function diagnosticMessage(problem: ManifestProblem, manifestFile: string): string {
  const text = problem.field === '' ? problem.message : `${problem.field}: ${problem.message}`;
  return problem.file === manifestFile ? text : `${problem.file}: ${text}`;
}
