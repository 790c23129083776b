import type { Lab } from '../../core/labs/catalog';
import type { LabService } from './labService';

/** What a lab command may be given: a lab id (from a link or a test), or a tree node that names a lab. */
export async function labFromArgument(labService: LabService, arg: unknown): Promise<Lab | undefined> {
  const id = typeof arg === 'string' ? arg : typeof arg === 'object' && arg !== null && 'labId' in arg && typeof arg.labId === 'string' ? arg.labId : undefined;
  if (id === undefined) return undefined;
  const lab = await labService.findLab(id);
  if (!lab) throw new Error(`there is no lab "${id}" (or it is broken: see the Labs view)`);
  return lab;
}
