// The showcase's acts, one per scenario: what runs, the table it prints, and whether the outcome
// matches the claim from the seed thread.
import type { RunResult } from '../report/schema.js';
import type { ReportSection } from '../report/html.js';
import { migrationEntryWaitAct } from './acts/migration-entry-wait.js';
import { thpSplitOrderAct } from './acts/thp-split-order.js';
import { moveMappingRefcountAct } from './acts/move-mapping-refcount.js';
import { offlinePcpRaceAct } from './acts/offline-pcp-race.js';
import { offlineRefaultAct } from './acts/offline-refault.js';
import { reclaimLostWakeupAct } from './acts/reclaim-lost-wakeup.js';
import { migrateAllocOrderAct } from './acts/migrate-alloc-order.js';
import { movePagesRaceAct } from './acts/move-pages-race.js';
import { movePagesFixesAct } from './acts/move-pages-fixes.js';
import { kernelCheckAct } from './acts/kernel-check.js';
import { kernelCheckOfflineAct } from './acts/kernel-check-offline.js';

export interface ActContext {
  quick: boolean;
  signal: AbortSignal;
  progress(line: string): void;
  /** Columns the act's tables must fit in. */
  width: number;
}

export interface ActResult {
  title: string;
  text: string;
  summary: Record<string, unknown>;
  sections: ReportSection[];
  runs: RunResult[];
  /** The measured outcome agrees with the kernel claim the act illustrates. */
  asExpected: boolean;
  /** Why the act did not run (a missing tool); asExpected is then true and nothing was measured. */
  skipped?: string;
}

export interface Act {
  title: string;
  blurb: string;
  /** About how long the act runs, in seconds, for the showcase's ETA (the pace seen so far corrects it). */
  plannedS(quick: boolean): number;
  run(ctx: ActContext): Promise<ActResult>;
}

export const SHOWCASE_ACTS: Act[] = [migrationEntryWaitAct, thpSplitOrderAct, moveMappingRefcountAct, offlinePcpRaceAct, offlineRefaultAct, reclaimLostWakeupAct, migrateAllocOrderAct, movePagesRaceAct, movePagesFixesAct, kernelCheckAct, kernelCheckOfflineAct];
