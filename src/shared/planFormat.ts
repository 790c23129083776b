/** How a plan's times read, the same in the plan view and in an exported SVG. */

/** 0.043 ms, 12.9 ms, 1.25 s. */
export function formatPlanMs(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(3)} ms`;
}
