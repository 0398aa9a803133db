// kernel-check offline-refault: the offline-refault scenario's twin (kernel-check/workloads/
// offline-refault.c). A pc-dimm on node 1 onlined as ZONE_MOVABLE; each round offlines (sysfs) the
// block holding a fresh region (shmem with forked faulters, or private with threads) while the
// faulters touch it, then onlines it again. A
// trial's share of offlines that finished is the compare unit; pgmigrate_* must cover the pages moved.
import { InputError, defaultParams } from '../run/params.js';
import { runOnce } from '../run/run-once.js';
import { derivedMetric, rateMetric, type RunSummary } from '../report/compare.js';
import { fmtNum, fmtPct, formatTable } from '../report/table.js';
import { offlineRefault } from '../scenarios/offline-refault.js';
import type { GuestTrialBase } from './console-parse.js';
import { medianOf, pooled, sumOf, summariseValues, type GuestWorkload } from './guest-workload.js';
import { MAPPINGS } from './move-pages-workload.js';

/** One trial as the guest printed it. */
export interface OfflineTrial extends GuestTrialBase {
  rounds: number;
  /** Offlines that returned 0 (the block went offline). */
  finished: number;
  /** Offlines that failed with an errno other than EINTR (lastErrno: e.g. EBUSY). */
  failed: number;
  /** Offlines interrupted at --offline-timeout (EINTR). */
  timedOut: number;
  onlineFailed: number;
  lastErrno: number;
  /** The region's pages in the offlined block at each round's start, summed (and over finished rounds). */
  pagesInBlock: number;
  pagesFinished: number;
  /** Rounds whose block held at least one of the region's pages. */
  roundsWithPages: number;
  block: number;
  /** Pages the faulters touched (all of them, all rounds). */
  touches: number;
  offlineMsSum: number;
  offlineMsMax: number;
  failedMsSum: number;
  onlineMsSum: number;
  onlineMsMax: number;
  /** Each finished offline's milliseconds (the first 256). */
  offlineMs: number[];
}

const COUNTERS = ['rounds', 'finished', 'failed', 'timedOut', 'onlineFailed', 'pagesInBlock', 'pagesFinished', 'roundsWithPages', 'touches', 'pgmigrateSuccess', 'pgmigrateFail'] as const;
const DEFAULT_DIMM_MIB = 512;
const BLOCK_MIB = 128; // x86-64 memory block size below 64 GiB of RAM

/**
 * How a faulter on a migration entry waits in that release: holding its page reference before v5.0
 * (wait_on_page_locked), dropping it once queued from v5.0 (9a1ea439b16b put_and_wait_on_page_locked),
 * taking none since ffa65753c431 (migration_entry_wait_on_locked; v6.0 is a guess for its release,
 * its presence in 6.1 and 6.12 was checked in their /proc/kallsyms).
 */
export function refaultVariantFor(release: string): 'wait-locked' | 'put-and-wait' | 'on-locked' | undefined {
  const m = /^(\d+)\.(\d+)/.exec(release);
  if (!m) return undefined;
  const major = Number(m[1]);
  return major >= 6 ? 'on-locked' : major === 5 ? 'put-and-wait' : 'wait-locked';
}

function derivedOf(t: Pick<OfflineTrial, 'rounds' | 'finished' | 'timedOut' | 'offlineMsSum' | 'onlineMsSum' | 'pagesInBlock' | 'pgmigrateSuccess' | 'pgmigrateFail' | 'touches' | 'seconds'>): Record<string, number> {
  const rounds = t.rounds || NaN;
  return {
    msPerOffline: t.finished ? t.offlineMsSum / t.finished : NaN,
    msPerOnline: t.finished ? t.onlineMsSum / t.finished : NaN,
    pagesPerRound: t.pagesInBlock / rounds,
    migratedPerRound: t.pgmigrateSuccess / rounds,
    migrateFailsPerRound: t.pgmigrateFail / rounds,
    roundsPerSecond: t.seconds > 0 ? t.rounds / t.seconds : NaN,
    touchesPerSecond: t.seconds > 0 ? t.touches / t.seconds : NaN,
    timedOutRounds: t.timedOut,
  };
}

export function offlineTrialSummary(t: OfflineTrial): RunSummary {
  return {
    counters: Object.fromEntries(COUNTERS.map((k) => [k, t[k]])),
    rates: { offlineCompletion: { successes: t.finished, trials: t.rounds }, migrationSuccess: { successes: t.pgmigrateSuccess, trials: t.pgmigrateSuccess + t.pgmigrateFail } },
    histograms: {},
    derived: derivedOf(t),
  };
}

/** What does not hold together: rounds that offlined an empty block, fewer migrations than pages offlined, a block left offline. */
export function offlineMismatches(trials: readonly OfflineTrial[]): string[] {
  return trials.flatMap((t) => {
    const out: string[] = [];
    if (t.rounds === 0) out.push(`trial ${t.trial}: no round ran`);
    if (t.roundsWithPages < t.rounds) out.push(`trial ${t.trial}: ${t.rounds - t.roundsWithPages} of ${t.rounds} round(s) offlined a block holding none of the faulters' pages (those rounds do not measure the workload)`);
    if (t.pgmigrateSuccess < t.pagesFinished) out.push(`trial ${t.trial}: /proc/vmstat pgmigrate_success +${t.pgmigrateSuccess} < ${t.pagesFinished} pages in the blocks that went offline`);
    if (t.onlineFailed) out.push(`trial ${t.trial}: a block could not be onlined again (errno ${t.lastErrno}); the trial stopped there`);
    return out;
  });
}

export const offlineRefaultWorkload: GuestWorkload<OfflineTrial> = {
  name: 'offline-refault',
  scenario: 'offline-refault',
  validate(o) {
    if (!(MAPPINGS as readonly string[]).includes(o.mapping)) throw new InputError(`--mapping ${JSON.stringify(o.mapping)}: expected one of ${MAPPINGS.join(', ')}`);
    const f = o.faulters ?? 3;
    const pages = o.pages ?? 256;
    const dimm = o.dimmMiB ?? DEFAULT_DIMM_MIB;
    if (!Number.isInteger(f) || f < 0 || f > 64) throw new InputError(`--faulters ${f}: expected a whole number 0..64`);
    if (!Number.isInteger(dimm) || dimm < 2 * BLOCK_MIB || dimm % BLOCK_MIB) throw new InputError(`--dimm ${dimm}: expected MiB in whole ${BLOCK_MIB} MiB memory blocks, at least two (the region migrates from one to another)`);
    if (!Number.isInteger(pages) || pages < 1 || pages * 4096 > (BLOCK_MIB << 20) / 2) throw new InputError(`--pages ${pages}: expected 1..${(BLOCK_MIB << 20) / 2 / 4096} (half a ${BLOCK_MIB} MiB block at most)`);
    if (!((o.offlineTimeoutS ?? 5) > 0)) throw new InputError(`--offline-timeout ${o.offlineTimeoutS}: expected seconds > 0`);
  },
  args: (o) => ['--mapping', o.mapping, '--faulters', String(o.faulters ?? 3), '--pages', String(o.pages ?? 256), '--offline-timeout', String(o.offlineTimeoutS ?? 5), '--duration', String(o.durationS), '--trials', String(o.trials)],
  // The dimm is hotplugged memory: onlined Movable by the kernel's policy word (or by /init), never touched by memblock.
  guest: (o) => ({ dimmMiB: o.dimmMiB ?? DEFAULT_DIMM_MIB, append: ['memhp_default_state=online_movable'] }),
  runTimeoutS: (o) => o.trials * (o.durationS + (o.offlineTimeoutS ?? 5) + 30) + 30,
  params: (o) => ({ mapping: o.mapping, faulters: o.faulters ?? 3, pages: o.pages ?? 256, offlineTimeoutS: o.offlineTimeoutS ?? 5, dimmMiB: o.dimmMiB ?? DEFAULT_DIMM_MIB }),
  metrics: [
    rateMetric('offlineCompletion'),
    derivedMetric('msPerOffline', 'lower'),
    rateMetric('migrationSuccess'),
    derivedMetric('migrateFailsPerRound', 'lower'),
  ],
  trialSummary: offlineTrialSummary,
  runParts(trials) {
    const sum = (k: keyof OfflineTrial): number => sumOf(trials, k);
    const counters = Object.fromEntries(COUNTERS.map((k) => [k, sum(k)]));
    const all = { ...counters, offlineMsSum: sum('offlineMsSum'), onlineMsSum: sum('onlineMsSum'), seconds: sum('seconds') } as Parameters<typeof derivedOf>[0];
    return {
      counters,
      rates: {
        offlineCompletion: pooled(all.finished, all.rounds),
        migrationSuccess: pooled(all.pgmigrateSuccess, all.pgmigrateSuccess + all.pgmigrateFail),
        roundsOnWorkload: pooled(sum('roundsWithPages'), all.rounds),
      },
      derived: { ...derivedOf(all), offlineMsMax: Math.max(0, ...trials.map((t) => t.offlineMsMax)) },
      histograms: {
        offline: summariseValues(trials.flatMap((t) => t.offlineMs), 'ms'),
        msPerOffline: summariseValues(trials.map((t) => (t.finished ? t.offlineMsSum / t.finished : NaN)), 'ms'),
      },
      warnings: offlineMismatches(trials),
    };
  },
  bootLine: (trials) => trials.map((t) => `${t.finished}/${t.rounds} offlined (${fmtNum(t.finished ? t.offlineMsSum / t.finished : NaN)} ms each)`).join(', '),
  headline: (p) => `--mapping ${p.mapping} --faulters ${p.faulters} --pages ${p.pages} --dimm ${p.dimmMiB}`,
  tableHead: ['kernel', 'uname -r', 'trials', 'rounds', 'finished', 'timed out', 'failed', 'offline ms (mean)', 'offline ms (p50, p90, max)', 'online ms (mean)', 'pages in block per round', 'pgmigrate ok/fail', 'faulter touches/s'],
  tableRow(label, r) {
    const c = r.counters;
    const h = r.histograms.offline;
    return [label, r.env.guestRelease || '?', r.trials.length, c.rounds ?? 0, c.finished ?? 0, c.timedOut ?? 0, c.failed ?? 0, fmtNum(r.derived.msPerOffline),
      `${fmtNum(h?.p50 ?? NaN)}, ${fmtNum(h?.p90 ?? NaN)}, ${fmtNum(h?.max ?? NaN)}`, fmtNum(r.derived.msPerOnline), fmtNum(r.derived.pagesPerRound),
      `${c.pgmigrateSuccess ?? 0}/${c.pgmigrateFail ?? 0}`, fmtNum(medianOf(r.trials.map((t) => t.touches / t.seconds)))];
  },
  modelTwin(o, release, signal) {
    const variant = refaultVariantFor(release) ?? 'on-locked';
    const params = { ...defaultParams(offlineRefault), faulters: Math.max(1, Math.min(o.faulters ?? 3, 16)) };
    return runOnce(offlineRefault, variant, params, { durationS: Math.min(o.durationS, 5), warmupS: 0.5, seed: 1, signal });
  },
  modelLines(labels, kernels, model, width) {
    const rows = labels.map((l) => {
      const m = model[l];
      const k = kernels[l];
      return [l, `${m.variant} --faulters ${m.params.faulters}`, m.rates.offlineCompletion?.trials ?? 0, fmtPct(m.rates.offlineCompletion?.rate ?? NaN, 2), fmtPct(m.rates.migrationSuccess?.rate ?? NaN, 2),
        fmtPct(k.rates.offlineCompletion?.rate ?? NaN, 2), fmtPct(k.rates.migrationSuccess?.rate ?? NaN, 2)];
    });
    return ['', 'the model beside it (the migration entry wait of the release: wait-locked before v5.0, put-and-wait from v5.0, on-locked from v6.0; the model\'s zone is small: read completion and migration success, not times):',
      formatTable(['kernel', 'model run', 'model rounds', 'model offlines finished', 'model migration success', 'kernel offlines finished', 'kernel pgmigrate success'], rows, { width, lead: 1 })];
  },
};
