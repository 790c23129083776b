/** The check engine with its drivers (pg, yaml, mermaid), bundled on its own as dist/checks.js and loaded on the first run. */
export { checkLab } from '../../core/checks/checkLab';
export { applyCheckRun } from '../../core/checks/record';
export { formatRun, summarise } from '../../core/checks/report';
export { createServiceResolver } from '../../core/checks/resolver';
export { explainStatement } from '../../core/plans/explainQuery';
export { parsePlan } from '../../core/plans/planText';
export { comparePlans } from '../../core/plans/planCompare';
export { planFromJson } from '../../core/plans/planModel';
export { planToSvg } from '../../core/plans/planSvg';
export { introspectDatabase } from '../../core/er/introspect';
