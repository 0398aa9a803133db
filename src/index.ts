// pagestorm as a library: run and compare scenario variants (built-in or from patch files), list
// them, and the types and kernel-model functions a patch file uses. `import { ... } from 'pagestorm'`.
// The runner is loaded on the first runScenario/compare/listScenarios call (src/library.ts): a patch
// file importing this module in every worker thread loads only the kernel model it calls.
import type { CompareOptions, RunScenarioOptions, ScenarioInfo } from './library.js';
import type { Registry } from './patch/registry.js';
import type { CompareResult, RunResult } from './report/schema.js';
import type { KernelCheckOptions, KernelCheckResult } from './kernel-check/check.js';

export { definePatch } from './patch/define.js';
export type { Patch, PatchVariant, PatchExtension, PatchScenario, PatchMetrics, PatchRole } from './patch/define.js';
export { HOOKS, HOOK_NAMES, RETRY_STOP, RETRY_TRY, RETRY_FORCE, MOVE_RETRY, MOVE_BACK_OFF } from './shared/mm/hooks.js';
export type { UnmapPteOps } from './shared/mm/try-to-migrate.js';
export type { KernelHooks, HookName, HookSeam } from './shared/mm/hooks.js';
export type { OfflineSteps, OfflineRound } from './shared/mm/memory-hotplug.js';
export * from './patch/kernel.js';
export { mainlineRetry, MIGRATE_PASSES } from './shared/mm/migrate.js';
export { expectedPageRefs, SUCCESS, EAGAIN, EBUSY, ENOMEM } from './shared/mm/move-mapping.js';
export { STAT, STAT_NAMES, PATCH_COUNTER_WORDS } from './shared/stats.js';
export { SITE, COST_SITES, spinNs } from './shared/cost.js';
export { nowNs } from './shared/clock.js';
export { isMigrationEntry, isPresent, pteCell, ptlOf } from './shared/pagetable.js';
export { DEFAULT_MEM, PAGE_WORDS, PF_REF, PF_FLAGS, PF_MAPCOUNT, PF_MAPPING, PF_INDEX, PF_HEAD, ptePfn } from './shared/layout.js';
export { bootMappedPages, checkMappedPages, framesFor } from './scenarios/mapped-pages.js';
export { costParams, costModelFrom, sleepParams, waitOptionsFrom } from './scenarios/common-params.js';
export { InputError } from './run/params.js';
export type { LibraryOptions, RunScenarioOptions, CompareOptions, ScenarioInfo } from './library.js';
export type { Registry };
export type { Task, TaskOptions } from './shared/task.js';
export type { Mem } from './shared/memory.js';
export type { MemConfig } from './shared/layout.js';
export type { RoleContext, RoleResult } from './workers/context.js';
export type { Scenario, VariantSpec, RoleSpec, ParamSpec, Params, ParamValue, Proportion, Violation, PatchRecord } from './scenarios/types.js';
export type { RunResult, CompareResult, HistogramSummary, RateReport, ForbiddenReport } from './report/schema.js';

const library = () => import('./library.js');

/** One run of one variant. Resolves with the result document (error/crashed set if a role threw). */
export async function runScenario(scenario: string, o: RunScenarioOptions): Promise<RunResult> {
  return (await library()).runScenario(scenario, o);
}

/** Two variants in ABBA blocks, compared with the run as the unit (the same report as `pagestorm compare --json`). */
export async function compare(scenario: string, o: CompareOptions): Promise<CompareResult> {
  return (await library()).compare(scenario, o);
}

/** Every scenario with its variants (patch variants carry `patch`, the file, and `base`). */
export async function listScenarios(o: { patches?: string[] } = {}): Promise<ScenarioInfo[]> {
  return (await library()).listScenarios(o);
}

/** The built-in scenarios plus these patch files, validated (InputError naming each file and problem). */
export async function loadRegistry(files: readonly string[]): Promise<Registry> {
  return (await library()).loadRegistry(files);
}

/** kernel-check: the workload's real-kernel twin booted under QEMU (README: "Check against a real kernel"); loaded on first call. */
export async function kernelCheck(o: KernelCheckOptions): Promise<KernelCheckResult> {
  return (await import('./kernel-check/check.js')).runKernelCheck(o);
}
export { kernelCheckSkipReason } from './kernel-check/tools.js';
export { debianCloudKernel, DEBIAN_KERNELS } from './kernel-check/debian-kernels.js';
export type { KernelCheckOptions, KernelCheckResult } from './kernel-check/check.js';
export type { KernelRunResult, TrialRecord } from './kernel-check/result.js';
export type { MovePagesTrial } from './kernel-check/move-pages-workload.js';
export type { OfflineTrial } from './kernel-check/offline-refault-workload.js';
