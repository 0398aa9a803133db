// The one module piscina starts: loads the run's patch files (if any) before the start barrier,
// then dispatches a role task to its loop (one file per role, or a patch's own role).
import { arriveAndWait, makeRoleContext, type RolePayload, type RoleResult, type RoleContext } from './context.js';
import { faulter } from './faulter.js';
import { migrator } from './migrator.js';
import { gupReader } from './gup-reader.js';
import { cachePinner } from './cache-pinner.js';
import { thpSplitter } from './thp-splitter.js';
import { reclaimer } from './reclaimer.js';
import { offliner } from './offliner.js';
import { freer } from './freer.js';
import { locker } from './locker.js';
import { reader } from './reader.js';
import { pageMover } from './page-mover.js';
import { transientPinner } from './transient-pinner.js';
import { loadPatchSide, type PatchSide } from './patch-side.js';

export const ROLES: Record<string, (ctx: RoleContext) => RoleResult> = { faulter, migrator, 'gup-reader': gupReader, 'cache-pinner': cachePinner, 'thp-splitter': thpSplitter, reclaimer, offliner, freer, locker, reader, 'move-pages': pageMover, 'transient-pinner': transientPinner };

export default async function runRole(p: RolePayload): Promise<RoleResult> {
  // Without a patch nothing is awaited: the loop runs in this call, as before.
  const patch: PatchSide | undefined = p.patch ? await loadPatchSide(p.patch) : undefined;
  const loop = ROLES[p.role] ?? patch?.roles[p.role];
  if (!loop) throw new Error(`unknown role '${p.role}'`);
  const ctx = makeRoleContext(p, patch);
  arriveAndWait(ctx.m);
  return loop(ctx);
}
