import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { COMMAND_IDS, COMMANDS_REQUIRING_TRUST, PLANNED_COMMANDS } from '../../src/extension/commands/commandIds';
import { readSettings } from '../../src/core/settings';

const root = join(__dirname, '..', '..');

interface Manifest {
  name: string;
  displayName: string;
  main: string;
  icon: string;
  engines: { vscode: string };
  activationEvents: string[];
  devDependencies: Record<string, string>;
  capabilities: { untrustedWorkspaces: { supported: string | boolean } };
  contributes: {
    commands: { command: string; title: string; category: string }[];
    menus: Record<string, { command: string; when?: string }[]>;
    viewsContainers: { activitybar: { id: string; title: string; icon: string }[] };
    views: Record<string, { id: string; name: string }[]>;
    viewsWelcome: { view: string; contents: string }[];
    configuration: { properties: Record<string, { default: unknown }> };
    walkthroughs: { id: string; steps: { id: string; description: string; media: { markdown: string } }[] }[];
  };
}

const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Manifest;
const declared = manifest.contributes.commands.map((command) => command.command);

function commandLinks(markdown: string): string[] {
  return [...markdown.matchAll(/\(command:([\w.]+)/g)].map((match) => match[1] ?? '');
}

describe('package.json, the extension manifest', () => {
  it('names the extension and its Labs view in the activity bar', () => {
    assert.equal(manifest.name, 'data-eng-labs');
    assert.equal(manifest.displayName, 'Data Engineering Labs');
    assert.equal(manifest.main, './dist/extension.js');
    assert.deepEqual(manifest.contributes.viewsContainers.activitybar, [{ id: 'dataEngLabs', title: 'Data Labs', icon: 'media/labs.svg' }]);
    assert.deepEqual(manifest.contributes.views['dataEngLabs']?.map((view) => [view.id, view.name]), [['delabs.labs', 'Labs']]);
  });

  it('declares exactly the commands the extension registers, all in the "Data Labs" category', () => {
    assert.deepEqual([...declared].sort(), [...COMMAND_IDS].sort());
    for (const command of manifest.contributes.commands) assert.equal(command.category, 'Data Labs', command.command);
  });

  it('declares the whole product command set', () => {
    assert.deepEqual(
      manifest.contributes.commands.map((command) => `${command.category}: ${command.title}`),
      [
        'Data Labs: Open Lab...',
        'Data Labs: Run Checks',
        'Data Labs: Start Services',
        'Data Labs: Stop Services',
        'Data Labs: Restart Services',
        'Data Labs: Show Service Logs',
        'Data Labs: Open Service Shell',
        'Data Labs: Remove Lab Data...',
        'Data Labs: Check Environment',
        'Data Labs: Show Logs',
        'Data Labs: Explain Query',
        'Data Labs: Explain Analyze Query',
        'Data Labs: Open Plan...',
        'Data Labs: Export Plan as SVG or PNG...',
        'Data Labs: Compare Plans',
        'Data Labs: Show ER Diagram',
        "Data Labs: Show ER Diagram of the Lab's Database",
        'Data Labs: Export Diagram as SVG or Markdown...',
        'Data Labs: Preview Mermaid Diagram',
        'Data Labs: Show Consumer Lag',
        'Data Labs: Format SQL',
        'Data Labs: Peek Solution...',
        'Data Labs: Reset Lab...',
        'Data Labs: Set Up Python Environment',
        'Data Labs: Get Started',
      ],
    );
  });

  it('hides from the command palette exactly the commands whose feature has not landed', () => {
    const hidden = (manifest.contributes.menus['commandPalette'] ?? []).filter((entry) => entry.when === 'false').map((entry) => entry.command);
    assert.deepEqual(hidden.sort(), Object.keys(PLANNED_COMMANDS).sort());
  });

  it('names only declared commands in menus, welcome content and the walkthrough', () => {
    const referenced = [
      ...Object.values(manifest.contributes.menus).flat().map((entry) => entry.command),
      ...manifest.contributes.viewsWelcome.flatMap((welcome) => commandLinks(welcome.contents)),
      ...manifest.contributes.walkthroughs.flatMap((walkthrough) => walkthrough.steps.flatMap((step) => commandLinks(step.description))),
    ];
    const builtIn = new Set(['delabs.labs.focus']);
    for (const command of referenced) assert.ok(declared.includes(command) || builtIn.has(command), `${command} is not declared`);
  });

  it('activates lazily: no "*" and no onStartupFinished', () => {
    assert.ok(!manifest.activationEvents.includes('*'));
    assert.ok(!manifest.activationEvents.includes('onStartupFinished'));
  });

  it('targets a VS Code no newer than the API typings it is compiled against', () => {
    assert.equal(manifest.engines.vscode, `^${manifest.devDependencies['@types/vscode']}`);
  });

  it('is limited in Restricted Mode, and every command that runs code asks for trust', () => {
    assert.equal(manifest.capabilities.untrustedWorkspaces.supported, 'limited');
    assert.deepEqual(
      [...COMMANDS_REQUIRING_TRUST].sort(),
      ['delabs.checks.run', 'delabs.er.showDatabase', 'delabs.explain.analyze', 'delabs.explain.compare', 'delabs.explain.query', 'delabs.lab.reset', 'delabs.lag.show', 'delabs.python.setup', 'delabs.services.checkEnvironment', 'delabs.services.logs', 'delabs.services.removeData', 'delabs.services.restart', 'delabs.services.shell', 'delabs.services.start', 'delabs.services.stop'],
    );
  });

  it('ships every file it points to: icons and walkthrough pages', () => {
    const files = [
      manifest.icon,
      ...manifest.contributes.viewsContainers.activitybar.map((container) => container.icon),
      ...manifest.contributes.walkthroughs.flatMap((walkthrough) => walkthrough.steps.map((step) => step.media.markdown)),
    ];
    for (const file of files) assert.ok(existsSync(join(root, file)), `${file} is missing`);
  });

  it('declares every setting the extension reads, and reads every setting it declares', () => {
    const read: string[] = [];
    readSettings((key) => {
      read.push(`dataEngLabs.${key}`);
      return undefined;
    });
    assert.deepEqual(read.sort(), Object.keys(manifest.contributes.configuration.properties).sort());
  });
});
