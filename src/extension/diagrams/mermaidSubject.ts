import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DiagramShowParams } from '../../shared/erProtocol';
import { requireBundle } from '../lazyBundle';
import type * as DiagramsBundle from './diagramsBundle';

/** The mermaid diagrams of one file: a .mmd file, or the ```mermaid blocks of a Markdown file (lab 57). */
export class MermaidSubject {
  constructor(readonly uri: vscode.Uri) {}

  get key(): string {
    return `mermaid:${this.uri.toString()}`;
  }

  get exportName(): string {
    return path.basename(this.uri.fsPath).replace(/\.[^.]+$/, '');
  }

  watches(uri: vscode.Uri): boolean {
    return uri.toString() === this.uri.toString();
  }

  async build(): Promise<{ params: Omit<DiagramShowParams, 'serial'>; panelTitle: string; markdown: undefined }> {
    const bundle = requireBundle<typeof DiagramsBundle>('diagrams');
    const open = vscode.workspace.textDocuments.find((document) => document.uri.toString() === this.uri.toString());
    const text = open?.getText() ?? Buffer.from(await vscode.workspace.fs.readFile(this.uri)).toString('utf8');
    const markdown = /\.(md|markdown)$/i.test(this.uri.fsPath);
    const blocks = markdown ? bundle.markdownMermaidBlocks(text) : [bundle.mermaidBlock(text, 1)];
    const name = vscode.workspace.asRelativePath(this.uri);
    const diagrams = blocks
      .filter((block) => block.text.trim() !== '')
      .map((block) => ({
        text: block.source,
        ...(markdown ? { caption: `${path.basename(this.uri.fsPath)}, the block at line ${block.startLine}` } : {}),
        file: name,
        startLine: block.startLine,
        lines: block.lines,
        maxTextSize: Math.max(50_000, block.source.length * 2),
        maxEdges: 500,
      }));
    const params: Omit<DiagramShowParams, 'serial'> = {
      title: `Mermaid: ${name}`,
      subject: this.key,
      diagrams,
      layout: 'dagre',
      problems: [],
      stale: false,
      ...(diagrams.length === 0 ? { empty: markdown ? `No \`\`\`mermaid block in ${name} yet: write one, and it is drawn here as you type.` : `${name} is empty: write a diagram, and it is drawn here as you type.` } : {}),
    };
    return { params, panelTitle: `Mermaid: ${path.basename(this.uri.fsPath)}`, markdown: undefined };
  }
}
