/**
 * Tokenizes text with the grammars that package.json contributes, loaded as VS Code loads them:
 * vscode-textmate finds each grammar's dependencies itself, injections come from `injectTo`, and the
 * built-in Python and SQL grammars are VS Code's own, as the tm-grammars package ships them.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { loadWASM, OnigScanner, OnigString } from 'vscode-oniguruma';
import { INITIAL, parseRawGrammar, Registry, type IGrammar, type StateStack } from 'vscode-textmate';

const root = join(__dirname, '..', '..');
const resolve = createRequire(__filename).resolve;

/** One grammar contribution, as declared in package.json. */
export interface GrammarContribution {
  language?: string;
  scopeName: string;
  path: string;
  injectTo?: string[];
  embeddedLanguages?: Record<string, string>;
}

/** One language contribution, as declared in package.json. */
export interface LanguageContribution {
  id: string;
  aliases?: string[];
  extensions?: string[];
  firstLine?: string;
}

export const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  contributes: { languages: LanguageContribution[]; grammars: GrammarContribution[] };
};

/** VS Code's built-in grammars, which this extension's grammars include or inject into. */
const BUILT_IN: Readonly<Record<string, string>> = {
  'source.python': resolve('tm-grammars/grammars/python.json'),
  'source.sql': resolve('tm-grammars/grammars/sql.json'),
};

/** A token: its text and its scopes, outermost first, without the grammar's own scope name. */
export interface Token {
  text: string;
  scopes: string[];
}

let onigLoaded: Promise<void> | undefined;

function onigLib(): Promise<{ createOnigScanner(patterns: string[]): OnigScanner; createOnigString(text: string): OnigString }> {
  // The WebAssembly module can be loaded once per process only.
  onigLoaded ??= loadWASM(readFileSync(resolve('vscode-oniguruma/release/onig.wasm')).buffer);
  return onigLoaded.then(() => ({
    createOnigScanner: (patterns) => new OnigScanner(patterns),
    createOnigString: (text) => new OnigString(text),
  }));
}

/** Loads a grammar and what it needs; `withInjections: false` leaves out the contributed injections. */
export async function loadGrammar(scopeName: string, { withInjections = true } = {}): Promise<IGrammar> {
  const paths = new Map<string, string>(Object.entries(BUILT_IN));
  const injections = new Map<string, string[]>();
  for (const grammar of manifest.contributes.grammars) {
    paths.set(grammar.scopeName, join(root, grammar.path));
    for (const target of grammar.injectTo ?? []) injections.set(target, [...(injections.get(target) ?? []), grammar.scopeName]);
  }
  const registry = new Registry({
    onigLib: onigLib(),
    loadGrammar: async (name) => {
      const path = paths.get(name);
      return path === undefined ? null : parseRawGrammar(readFileSync(path, 'utf8'), path);
    },
    getInjections: (name) => (withInjections ? injections.get(name) : undefined),
  });
  const grammar = await registry.loadGrammar(scopeName);
  if (grammar === null) throw new Error(`no grammar for ${scopeName}`);
  return grammar;
}

/** The tokens of each line of `text`. */
export function tokenize(grammar: IGrammar, text: string): Token[][] {
  let state: StateStack = INITIAL;
  return text.split('\n').map((line) => {
    const result = grammar.tokenizeLine(line, state);
    state = result.ruleStack;
    return result.tokens.map((token) => ({ text: line.slice(token.startIndex, token.endIndex), scopes: token.scopes.slice(1) }));
  });
}

/** "text  scope scope ...", one a token: how the tests spell out exact tokens. */
export function describeTokens(tokens: readonly Token[]): string[] {
  return tokens.map((token) => `${token.text}  ${token.scopes.join(' ')}`);
}
