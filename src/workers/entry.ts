// The one module piscina starts: dispatches a role task to its loop (one file per role).
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

export const ROLES: Record<string, (ctx: RoleContext) => RoleResult> = { faulter, migrator, 'gup-reader': gupReader, 'cache-pinner': cachePinner, 'thp-splitter': thpSplitter, reclaimer, offliner, freer, locker };

export default function runRole(p: RolePayload): RoleResult {
  const loop = ROLES[p.role];
  if (!loop) throw new Error(`unknown role '${p.role}'`);
  const ctx = makeRoleContext(p);
  arriveAndWait(ctx.m);
  return loop(ctx);
}
