// What a scenario declares: its variants, parameters with defaults, roles, the page world it boots,
// and the invariants that must hold once every role has stopped.
import type { MemConfig } from '../shared/layout.js';
import type { Mem } from '../shared/memory.js';
import type { TaskOptions } from '../shared/task.js';
import type { PatchManifest, PatchRecord } from '../shared/patch-manifest.js';

export type ParamValue = number | string | boolean;
export type Params = Record<string, ParamValue>;

export interface ParamSpec {
  key: string;
  /** The CLI flag without dashes, e.g. 'faulters'. */
  flag: string;
  description: string;
  default: ParamValue;
  kind: 'int' | 'number' | 'choice' | 'bool';
  min?: number;
  max?: number;
  choices?: readonly string[];
  /** Where a default comes from (cost model figures), one line. */
  source?: string;
  /** A value a user may leave at 0 (e.g. faulters 0 is the baseline). */
  unit?: string;
  /** A count of role threads: no constant max, bounded by the machine instead (run/machine-caps.ts). */
  role?: boolean;
}

export interface VariantSpec {
  name: string;
  description: string;
  /** Kernel version or commit the variant models. */
  kernel: string;
  /** A deliberately broken control: a detector must catch it. */
  knownBuggy?: boolean;
  /** A patch variant: the file it came from (pagestorm list marks it). */
  patch?: string;
  /** A patch variant: the built-in variant whose switches it starts from (its hooks replace some of them). */
  base?: string;
}

export type { PatchRecord };

export interface RoleSpec {
  role: string;
  config: Record<string, unknown>;
  task?: TaskOptions;
  /** The role calls ctx.parkIfAsked() at safe points, so the periodic audit waits for it (auditEveryMs). */
  parks?: boolean;
  /** Patch files the role's worker loads before the start barrier, and the variant whose hooks it takes. */
  patch?: PatchManifest;
}

export interface Violation {
  kind: 'invariant' | 'page-conservation' | 'lost-write' | 'refcount-underflow' | 'lost-wakeup' | 'offline-livelock';
  detail: string;
}

export interface Proportion {
  successes: number;
  trials: number;
}

export interface Scenario {
  name: string;
  title: string;
  seeds: string[];
  /** Where the scenario's claims come from when it has no seed (threads, commits, selftests), one line each. */
  sources?: string[];
  description: string;
  variants: VariantSpec[];
  params: ParamSpec[];
  /** Histograms the roles record (all integer ns unless units says otherwise). */
  histograms: Record<string, { unit: string; description: string }>;
  memConfig(p: Params): MemConfig;
  /** Boots the page world on the main thread before any role starts. */
  setup(m: Mem, p: Params, variant: string): void;
  roles(p: Params, variant: string): RoleSpec[];
  /** Invariants at quiescence (every role stopped). */
  checkQuiescent(m: Mem, p: Params, variant: string): Violation[];
  /** Rates from the measured counters; rates.migrationSuccess where it applies. */
  rates(c: Record<string, number>): Record<string, Proportion>;
  /** Lost-wakeup watchdog threshold in ms (asleep with the bit clear this long). */
  lostWakeupMs?: number;
  /** Figures derived from the measured counters, and which direction is better for each. */
  derived?(c: Record<string, number>): Record<string, number>;
  better?: Record<string, 'higher' | 'lower'>;
  /** The metric the scenario's claim is about: compare tests it alone at α (the rest form a Holm family). */
  primary?: string;
  /**
   * Periodic FO4 audit while measuring, every this many ms (0 or absent = none): the runner sets
   * C_QUIESCE, waits for every role with parks: true to park, audits page conservation, releases them.
   * Roles that do not park must not be able to move a frame between lists meanwhile. Needs a spare
   * task row (tasks > roles) for its counters.
   */
  auditEveryMs?(p: Params): number;
  /** Counters a patch added: named words after the built-in ones in each task's row (stats.ts PATCH_COUNTER_BASE). */
  counters?: readonly string[];
  /** The patch files loaded with this scenario: every role's worker loads them (and checks the hash) before the start barrier. */
  patches?: readonly PatchRecord[];
  /** Whether a forbidden kind counts for a variant (default: every kind counts). */
  forbiddenFor?(variant: string, kind: string): boolean;
}
