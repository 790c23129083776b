/** The check engine with its drivers (pg, yaml, mermaid), bundled on its own as dist/checks.js and loaded on the first run. */
export { checkLab } from '../../core/checks/checkLab';
export { applyCheckRun } from '../../core/checks/record';
export { formatRun, summarise } from '../../core/checks/report';
