/**
 * A PostgreSQL plan as the plan model (src/core/plans/planModel.ts) builds it and the plan view draws it:
 * plain data, types only, so the webview can import it.
 */

export interface PlanBuffers {
  readonly sharedHit: number;
  readonly sharedRead: number;
  readonly sharedDirtied: number;
  readonly sharedWritten: number;
  readonly tempRead: number;
  readonly tempWritten: number;
}

export interface PlanNode {
  /** Depth-first position, 0 for the root. */
  readonly id: number;
  readonly depth: number;
  readonly parentId: number | undefined;
  readonly nodeType: string;
  /** As psql names it: `Parallel Seq Scan on public.orders o`, `Hash Left Join`, `Partial HashAggregate`. */
  readonly title: string;
  readonly relation?: string;
  readonly index?: string;
  /** InitPlan, SubPlan, Outer, Inner, Member... and the subplan's name ("CTE big", "SubPlan 1"). */
  readonly relationship?: string;
  readonly subplanName?: string;
  readonly startupCost: number;
  readonly totalCost: number;
  /** Rows the planner expected per loop. */
  readonly planRows: number;
  /** Present when the plan was analyzed. */
  readonly actual?: { readonly startupMs: number; readonly totalMs: number; readonly rows: number; readonly loops: number };
  readonly neverExecuted: boolean;
  /** Time spent in the node and below it, all loops (per participant for parallel nodes). */
  readonly inclusiveMs?: number;
  /** Time spent in the node itself. */
  readonly exclusiveMs?: number;
  /** Actual against estimated rows: how many times off, and which way. */
  readonly misestimate?: { readonly factor: number; readonly direction: 'under' | 'over' | 'exact' };
  readonly rowsRemoved?: number;
  readonly loops: number;
  readonly workers?: { readonly planned: number; readonly launched?: number };
  readonly buffers?: PlanBuffers;
  readonly conditions: readonly { readonly label: string; readonly text: string }[];
  readonly children: readonly PlanNode[];
  /** Every field PostgreSQL gave, for the details panel. */
  readonly raw: Readonly<Record<string, unknown>>;
}

export interface Plan {
  readonly root: PlanNode;
  /** Every node, by id. */
  readonly nodes: readonly PlanNode[];
  readonly analyzed: boolean;
  readonly planningMs?: number;
  readonly executionMs?: number;
  /** Ids from the root down the costliest child at each level (by time when analyzed, else by cost). */
  readonly criticalPath: readonly number[];
}
