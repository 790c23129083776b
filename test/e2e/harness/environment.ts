/** Where the e2e run's tools are; scripts/run-e2e.mjs installs them and passes their paths in. */
export interface E2eEnvironment {
  readonly node: string;
  readonly entry: string;
  readonly vsixPath: string;
}

export function e2eEnvironment(): E2eEnvironment {
  const node = process.env.DELABS_CODE_SERVER_NODE;
  const entry = process.env.DELABS_CODE_SERVER_ENTRY;
  const vsixPath = process.env.DELABS_VSIX;
  if (!node || !entry || !vsixPath) {
    throw new Error('The end-to-end tests run through `npm run test:e2e`, which installs code-server and packages the extension first.');
  }
  return { node, entry, vsixPath };
}
