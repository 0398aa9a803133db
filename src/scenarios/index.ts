// Every scenario pagestorm knows, by name.
import type { Scenario } from './types.js';
import { migrationEntryWait } from './migration-entry-wait.js';

export const SCENARIOS: Scenario[] = [migrationEntryWait];

export function findScenario(name: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.name === name);
}
