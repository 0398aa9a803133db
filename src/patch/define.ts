// definePatch(): the shape of a user's patch file. An identity function (as vite's defineConfig):
// it exists for the types, which reuse the built-in VariantSpec, RoleSpec and Scenario.
import type { KernelHooks } from '../shared/mm/hooks.js';
import type { Proportion, Scenario, VariantSpec } from '../scenarios/types.js';
import type { RoleContext, RoleResult } from '../workers/context.js';

/** A variant a patch adds: a built-in variant (base) with some of its kernel steps replaced by hooks. */
export interface PatchVariant extends Omit<VariantSpec, 'patch'> {
  /** The built-in variant whose switches the rest of the run keeps (default: the scenario's first). */
  base?: string;
  /** Replacements for named kernel steps (HOOKS in shared/mm/hooks.ts); each takes the task first. */
  hooks?: Partial<KernelHooks>;
}

/** Figures a patch adds to a scenario, reported like the built-in ones. */
export interface PatchMetrics {
  /** Histograms its hooks or roles record (task.record(name, value) / ctx.record). */
  histograms?: Record<string, { unit: string; description: string }>;
  /** Rates from the measured counters (built-in and the patch's own). */
  rates?(c: Record<string, number>): Record<string, Proportion>;
  /** Derived figures from the measured counters; list each in better to compare it. */
  derived?(c: Record<string, number>): Record<string, number>;
  better?: Record<string, 'higher' | 'lower'>;
}

/** Variants (and figures) added to an existing scenario. */
export interface PatchExtension extends PatchMetrics {
  scenario: string;
  variants?: PatchVariant[];
}

/** A whole scenario of the patch's own: built-in roles and the patch's roles. */
export interface PatchScenario extends Omit<Scenario, 'variants' | 'patches' | 'counters' | 'seeds'> {
  seeds?: string[];
  variants: PatchVariant[];
}

/** A role loop written in the patch file: it runs in a worker like the built-in ones. */
export type PatchRole = (ctx: RoleContext) => RoleResult;

export interface Patch {
  /** A short name for messages (default: the file name). */
  name?: string;
  /** The patch's own counters (at most stats.PATCH_COUNTER_WORDS across all patches): bump task.m.w[task.counters.name]++. */
  counters?: string[];
  extend?: PatchExtension[];
  scenarios?: PatchScenario[];
  roles?: Record<string, PatchRole>;
}

/** Returns its argument: `export default definePatch({ ... })` gives the patch file its types. */
export function definePatch<const T extends Patch>(patch: T): T {
  return patch;
}
