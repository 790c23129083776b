/** The ER model from DDL (the PostgreSQL parser in WebAssembly) and its diagram, bundled on their own as dist/diagrams.js and loaded on the first diagram. */
export { schemaFromDdl } from '../../core/er/ddl';
export { driftMarks, schemaDrift } from '../../core/er/drift';
export { diagramGroups, erDiagram, erMarkdown } from '../../core/er/erMermaid';
export { loadSqlParser } from '../../core/er/pgParser';
export { markdownMermaidBlocks, mermaidBlock } from '../../shared/mermaidText';
