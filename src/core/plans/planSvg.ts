/**
 * A plan as a standalone SVG document, for a report or a slide: one row per node, indented by depth,
 * with its time (share of the total), rows against the estimate, misestimate flags and the most
 * expensive path marked in red. Every name from the plan is escaped as XML text.
 */
import type { Plan, PlanNode } from '../../shared/plan';
import { formatPlanMs } from '../../shared/planFormat';

const ROW_HEIGHT = 40;
const INDENT = 18;
const WIDTH = 960;
const HEADER = 56;
/** Rows drawn at most; a larger plan ends with a line saying how many were left out. */
export const SVG_MAX_ROWS = 400;

const XML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => XML_ESCAPES[character] ?? character);
}

function detail(node: PlanNode, total: number): string {
  const parts: string[] = [];
  if (node.exclusiveMs !== undefined) parts.push(`${formatPlanMs(node.exclusiveMs)}${total > 0 ? ` (${((100 * node.exclusiveMs) / total).toFixed(1)}%)` : ''}`);
  if (node.actual) parts.push(`${(node.actual.rows * node.loops).toLocaleString('en-US')} of ${(node.planRows * node.loops).toLocaleString('en-US')} rows`);
  else parts.push(`${node.planRows.toLocaleString('en-US')} rows (est.)`);
  if (node.misestimate && node.misestimate.factor >= 10) parts.push(`${node.misestimate.direction === 'under' ? 'under' : 'over'}estimated ×${node.misestimate.factor}`);
  if (node.loops > 1) parts.push(`${node.loops.toLocaleString('en-US')} loops`);
  parts.push(`cost ${node.totalCost.toFixed(2)}`);
  return parts.join(' · ');
}

export function planToSvg(plan: Plan, title: string): string {
  const critical = new Set(plan.criticalPath);
  const total = plan.executionMs ?? plan.root.inclusiveMs ?? 0;
  const nodes = plan.nodes.slice(0, SVG_MAX_ROWS);
  const omitted = plan.nodes.length - nodes.length;
  const height = HEADER + (nodes.length + (omitted > 0 ? 1 : 0)) * ROW_HEIGHT + 12;
  const facts = [`${plan.nodes.length.toLocaleString('en-US')} nodes`, ...(plan.executionMs !== undefined ? [`execution ${formatPlanMs(plan.executionMs)}`] : []), ...(plan.analyzed ? [] : ['estimates only'])].join(' · ');
  const rows = nodes.map((node, index) => {
    const y = HEADER + index * ROW_HEIGHT;
    const x = 12 + node.depth * INDENT;
    const share = total > 0 && node.exclusiveMs !== undefined ? Math.min(1, node.exclusiveMs / total) : 0;
    return [
      `<g class="node${critical.has(node.id) ? ' critical' : ''}">`,
      critical.has(node.id) ? `<rect x="${x - 6}" y="${y + 4}" width="3" height="${ROW_HEIGHT - 8}" fill="#d1242f"/>` : '',
      share > 0 ? `<rect x="${x}" y="${y + ROW_HEIGHT - 7}" width="${(share * (WIDTH - x - 12)).toFixed(1)}" height="2" fill="#0969da"/>` : '',
      `<text x="${x}" y="${y + 17}" font-weight="600">${escapeXml(node.title)}</text>`,
      `<text x="${x}" y="${y + 31}" fill="#57606a">${escapeXml(detail(node, total))}</text>`,
      '</g>',
    ].join('');
  });
  if (omitted > 0) rows.push(`<text x="12" y="${HEADER + nodes.length * ROW_HEIGHT + 20}" fill="#57606a">… and ${omitted.toLocaleString('en-US')} more nodes</text>`);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="-apple-system, 'Segoe UI', Helvetica, Arial, sans-serif" font-size="13">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="12" y="24" font-size="16" font-weight="600">${escapeXml(title)}</text>`,
    `<text x="12" y="44" fill="#57606a">${escapeXml(facts)}</text>`,
    ...rows,
    '</svg>',
    '',
  ].join('\n');
}
