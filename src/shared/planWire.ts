/**
 * A plan as it travels to the webview. The plan model links each node to its children and keeps every
 * key PostgreSQL wrote (`raw`); posted as it is, a message is serialised as JSON on its way, which
 * writes every subtree again under each of its ancestors (8.7 MB for the 1.6 MB plan of 2,100
 * partitions), and VS Code copies the message twice more (structured clones) into the webview's frames.
 * So the plan goes as JSON text (a string is copied, not cloned node by node), flat (each node names its
 * children by id), without `raw` (the details of one node are asked for when it is selected): 1.0 MB for
 * that plan. Pure functions, shared by the host and the webview.
 */
import type { Plan, PlanNode } from './plan';

/** A node as the webview has it: the model's node without `raw`, linked to its children. */
export interface PlanViewNode extends Omit<PlanNode, 'children' | 'raw'> {
  readonly children: readonly PlanViewNode[];
}

export interface PlanView extends Omit<Plan, 'root' | 'nodes'> {
  readonly root: PlanViewNode;
  readonly nodes: readonly PlanViewNode[];
}

type WireNode = Omit<PlanNode, 'children' | 'raw'> & { readonly childIds: readonly number[] };

interface WirePlan extends Omit<Plan, 'root' | 'nodes'> {
  readonly rootId: number;
  readonly nodes: readonly WireNode[];
}

/** The plan as the text posted to the webview. */
export function encodePlan(plan: Plan): string {
  const { root, nodes, ...rest } = plan;
  const wire: WirePlan = {
    ...rest,
    rootId: root.id,
    nodes: nodes.map((node) => {
      const { children, raw, ...fields } = node;
      return { ...fields, childIds: children.map((child) => child.id) };
    }),
  };
  return JSON.stringify(wire);
}

/** The plan again from the text, one object per node, each linked to its children. */
export function decodePlan(text: string): PlanView {
  const { rootId, nodes: wireNodes, ...rest } = JSON.parse(text) as WirePlan;
  const children: PlanViewNode[][] = wireNodes.map(() => []);
  const nodes: PlanViewNode[] = wireNodes.map(({ childIds, ...fields }, index) => ({ ...fields, children: children[index] ?? [] }));
  wireNodes.forEach((node, index) => {
    for (const id of node.childIds) {
      const child = nodes[id];
      if (child?.id !== id) throw new Error(`plan node ${node.id} names a child ${id} that is not in the plan`);
      children[index]?.push(child);
    }
  });
  const root = nodes[rootId];
  if (!root) throw new Error(`the plan's root ${rootId} is not in the plan`);
  return { ...rest, root, nodes };
}
