/** The message the ER view is shown with, as the host builds it, for a model read in a test or a benchmark. */
import { erDiagram } from '../../src/core/er/erMermaid';
import { tableKey, type ErModel } from '../../src/shared/er';
import type { DiagramShowParams, ErRenderer } from '../../src/shared/erProtocol';

export function erShowParams(model: ErModel, serial: number, renderer: ErRenderer, extra: Partial<DiagramShowParams> = {}): DiagramShowParams {
  const diagram = erDiagram(model);
  return {
    title: 'ER diagram of a test: the DDL files',
    serial,
    subject: 'er:test',
    diagrams: [{ text: diagram.text, maxTextSize: diagram.maxTextSize, maxEdges: diagram.maxEdges }],
    layout: 'dagre',
    problems: [],
    stale: false,
    er: {
      drawing: diagram.drawing,
      renderer,
      source: 'ddl',
      databaseAvailable: true,
      entities: diagram.entities,
      tables: model.tables.map(tableKey),
      groups: [],
      view: { kind: 'all' },
      tableCount: diagram.tableCount,
      relationshipCount: diagram.relationshipCount,
      compared: false,
      drift: [],
      driftNote: '',
    },
    ...extra,
  };
}
