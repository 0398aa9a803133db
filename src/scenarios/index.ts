// Every scenario pagestorm knows, by name.
import type { Scenario } from './types.js';
import { migrationEntryWait } from './migration-entry-wait.js';
import { moveMappingRefcount } from './move-mapping-refcount.js';
import { thpSplitOrder } from './thp-split-order.js';
import { reclaimLostWakeup } from './reclaim-lost-wakeup.js';
import { offlinePcpRace } from './offline-pcp-race.js';
import { offlineRefault } from './offline-refault.js';
import { migrateAllocOrder } from './migrate-alloc-order.js';
import { movePagesRace } from './move-pages-race.js';

export const SCENARIOS: Scenario[] = [migrationEntryWait, moveMappingRefcount, thpSplitOrder, reclaimLostWakeup, offlinePcpRace, offlineRefault, migrateAllocOrder, movePagesRace];

export function findScenario(name: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.name === name);
}
