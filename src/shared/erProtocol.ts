/**
 * The diagram view's messages (ER diagrams and mermaid previews), on top of the envelope in
 * webviewProtocol.ts. Types only: the webview and the host both import this file and nothing else of
 * each other.
 */
import type { DriftItem, DriftSide, ErDrawing } from './er';

/** Which part of a model the ER diagram shows. */
export type ErView =
  | { readonly kind: 'all' }
  /** One of `ErShowParams.er.groups`, by index. */
  | { readonly kind: 'group'; readonly index: number }
  /** A table and the tables within `hops` foreign keys of it. */
  | { readonly kind: 'focus'; readonly table: string; readonly hops: number };

/** One diagram to draw, as mermaid text. */
export interface DiagramToDraw {
  readonly text: string;
  /** Shown above the diagram when there are several (a Markdown file's blocks): "Block at line 12". */
  readonly caption?: string;
  /** mermaid's `maxTextSize` and `maxEdges`, large enough for this diagram. */
  readonly maxTextSize: number;
  readonly maxEdges: number;
  /** For a diagram from a file: the file (relative, for messages), where it starts, and the file line of each of its lines. */
  readonly file?: string;
  readonly startLine?: number;
  readonly lines?: readonly number[];
}

/** A statement that does not parse (DDL), or a diagram that does not (mermaid), with where it is. */
export interface DiagramProblem {
  /** Relative to the lab (or the previewed file's folder). */
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

/** Who draws an ER diagram: the view's own renderer (fast at any size), or mermaid (as GitHub draws the Markdown export). */
export type ErRenderer = 'builtin' | 'mermaid';

/** From this many tables on, mermaid lays a diagram out with ELK under `auto` (its dagre layout sprawls). */
export const ELK_FROM_TABLES = 25;

/** The layout a renderer uses: `auto` is dagre for the view's own renderer, and for mermaid dagre below ELK_FROM_TABLES tables, ELK from there. */
export function layoutFor(layout: DiagramShowParams['layout'], renderer: ErRenderer, tables: number): 'dagre' | 'elk' {
  if (layout !== 'auto') return layout;
  return renderer === 'mermaid' && tables >= ELK_FROM_TABLES ? 'elk' : 'dagre';
}

/** What only an ER diagram has. */
export interface ErDetails {
  /** The tables and relationships to draw (the view's renderer); `diagrams[0]` is the same as mermaid text. */
  readonly drawing: ErDrawing;
  /** The renderer the learner chose in the settings; the view can switch. */
  readonly renderer: ErRenderer;
  /** Where the model was read: the DDL files, or the live database. */
  readonly source: DriftSide;
  /** Whether the other source can be shown (the lab has a database, the workspace is trusted). */
  readonly databaseAvailable: boolean;
  /** mermaid's entity ids in the diagram → `schema.table`, to find a clicked table. */
  readonly entities: Readonly<Record<string, string>>;
  /** Every table of the model (`schema.table`), for search and focus. */
  readonly tables: readonly string[];
  /** Groups to show one at a time: each schema, and big schemas by their connected tables. */
  readonly groups: readonly { readonly title: string; readonly size: number }[];
  readonly view: ErView;
  readonly tableCount: number;
  readonly relationshipCount: number;
  /** Whether the DDL files were compared with the database (both could be read). */
  readonly compared: boolean;
  /** Differences between the DDL files and the database, when they were compared. */
  readonly drift: readonly DriftItem[];
  /** How the comparison went: "Compared with postgres, the embedded PostgreSQL (127.0.0.1:54307), at 14:02:11.", or why there was none. */
  readonly driftNote: string;
}

/** Host to webview: draw this. */
export interface DiagramShowParams {
  /** "ER diagram of 07 PostgreSQL analytics schema: the DDL files". */
  readonly title: string;
  /** Grows with each show; a webview drawing an older one drops it. */
  readonly serial: number;
  /** A new subject (another lab or file) resets pan and zoom; the same subject keeps them. */
  readonly subject: string;
  readonly diagrams: readonly DiagramToDraw[];
  /** The layout the learner chose (dataEngLabs.er.layout); `auto` is resolved by `layoutFor`. */
  readonly layout: 'auto' | 'dagre' | 'elk';
  /** Problems in the text: shown above the diagram, which stays as it last was good. */
  readonly problems: readonly DiagramProblem[];
  /** The diagram is the last good one: the text as it is now has the problems above. */
  readonly stale: boolean;
  readonly er?: ErDetails;
  /** When there is nothing to draw: why, in a sentence. */
  readonly empty?: string;
}

export const DIAGRAM_SHOW = 'diagram/show';

/** Webview to host, a request: open the CREATE TABLE of this table (`schema.table`) in the editor. */
export interface RevealTableParams {
  readonly table: string;
}

export const ER_REVEAL_TABLE = 'er/revealTable';

/** Webview to host, a request: open the place of problem `index` of the diagram on show. */
export interface RevealProblemParams {
  readonly index: number;
}

export const DIAGRAM_REVEAL_PROBLEM = 'diagram/revealProblem';

/** Webview to host, a request: show another part of the model. */
export interface SetViewParams {
  readonly view: ErView;
}

export const ER_SET_VIEW = 'er/setView';

/** Webview to host, a request: read the model from the other source. */
export interface SetSourceParams {
  readonly source: DriftSide;
}

export const ER_SET_SOURCE = 'er/setSource';

/** Webview to host, a request: read the DDL files and the database again. */
export const ER_REFRESH = 'er/refresh';

/** Webview to host, a request: export what is on show (the host asks for the SVG when it needs it). */
export interface ExportParams {
  readonly format: 'svg' | 'markdown';
}

export const DIAGRAM_EXPORT = 'diagram/export';

/** Webview to host, a request answered with `null`: a diagram was drawn, or could not be. */
export interface RenderedParams {
  readonly serial: number;
  /** Who drew it. */
  readonly renderer: ErRenderer;
  /** The renderer's own time (mermaid: parse, layout, SVG; ours: measuring, layout, SVG), and the view's after it (inserting, marking), in milliseconds. */
  readonly drawMs: number;
  readonly viewMs: number;
  /** Entities drawn, over all diagrams. */
  readonly entities: number;
  /** mermaid's message, for a diagram it could not draw. */
  readonly errors: readonly string[];
}

export const DIAGRAM_RENDERED = 'diagram/rendered';

/** Host to webview, a request: the diagram on show as a standalone SVG document (the first, when there are several). */
export const DIAGRAM_SVG = 'diagram/svg';

/** The reply to DIAGRAM_SVG. */
export interface SvgResult {
  readonly svg: string;
}
