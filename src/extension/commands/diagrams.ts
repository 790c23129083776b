import type { CommandHandler } from './types';

/** Data Labs: Show ER Diagram — the schema of the lab's SQL files beside the editor, redrawn as the learner types. */
export const showErDiagram: CommandHandler = (services, arg) => services.diagrams.showEr(arg, 'ddl');

/** Data Labs: Show ER Diagram of the Lab's Database — the tables of the lab's running database, with the drift from its SQL files. */
export const showErDiagramOfDatabase: CommandHandler = (services, arg) => services.diagrams.showEr(arg, 'database');

/** Data Labs: Export Diagram as SVG or Markdown... — the diagram on show, where the learner chooses. */
export const exportDiagram: CommandHandler = (services) => services.diagrams.export();

/** Data Labs: Preview Mermaid Diagram — the .mmd file, or the ```mermaid blocks of the Markdown file, redrawn as the learner types. */
export const previewMermaid: CommandHandler = (services, arg) => services.diagrams.showMermaid(arg);
