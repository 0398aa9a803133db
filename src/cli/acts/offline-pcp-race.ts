// Showcase act for seed 002 (C002-1..4, C002-7): the four offline loops on the same workload. The
// no-redrain control is "caught in X ms" (a round stuck on a free page on a pcp list); the three fixes
// finish every round, with their drains per offline side by side (pcp-disable: exactly one).
import { runOnce } from '../../run/run-once.js';
import { defaultParams } from '../../run/params.js';
import { offlinePcpRace } from '../../scenarios/offline-pcp-race.js';
import { formatTable, fmtNs, fmtNum } from '../../report/table.js';
import type { RunResult } from '../../report/schema.js';
import type { Act } from '../showcase-acts.js';
import { catchControl, cleanOutcome, runSeconds } from './act-runs.js';

export const offlinePcpRaceAct: Act = {
  title: 'offline-pcp-race: __offline_pages() vs frees onto pcp lists (v4.19 / v5.1-v5.8 / v5.9 / v5.11)',
  blurb: 'Memory blocks offlined and re-onlined in turn while short-lived processes allocate and free pages (some in the block,\n' +
    'with a widened prepare -> commit window) and a faulter keeps 4 pages of the block mapped. Claim (seed 002): without a second\n' +
    'drain (v5.1-v5.8) an offline can spin forever on a free page left on a pcp list; drain again (v5.9) and zone_pcp_disable\n' +
    '(v5.11, "then we would only need exactly one drain") always finish.',
  // A livelock is declared after the offline has spun for a while: about 2 s a control seed.
  plannedS: (quick) => (quick ? 2 : 5) * 2 + 3 * runSeconds(quick ? 1.5 : 4, 0.2),
  async run(ctx) {
    const sc = offlinePcpRace;
    const params = defaultParams(sc);
    const rows: string[][] = [];
    const runs: RunResult[] = [];
    const summary: Record<string, unknown> = {};
    let asExpected = true;
    const capS = ctx.quick ? 10 : 15;
    for (const v of sc.variants) {
      if (ctx.signal.aborted) break;
      if (v.knownBuggy) {
        const k = await catchControl(ctx, sc, v.name, params, { seeds: ctx.quick ? [1, 2] : [1, 2, 3, 4, 5], capS, kinds: ['offline-livelock'] });
        runs.push(...k.runs);
        if (!k.caught) asExpected = false;
        rows.push([v.name, v.kernel.split(' ')[0], '-', '-', '-', '-', '-', '-', k.outcome]);
        summary[v.name] = { knownBuggy: true, caughtMs: k.caughtMs, first: k.first };
        continue;
      }
      const durationS = ctx.quick ? 1.5 : 4;
      ctx.progress(`${v.name}: ${durationS} s`);
      const r = await runOnce(sc, v.name, params, { durationS, warmupS: 0.2, seed: 1, signal: ctx.signal });
      runs.push(r);
      const c = r.counters;
      const d = r.derived;
      const h = r.histograms;
      const { clean, outcome: verdict } = cleanOutcome(r);
      const oneDrain = v.name !== 'pcp-disable' || (h.drainsPerRound.max === 1 && h.drainsPerRound.p50 === 1 && h.pcpPagesAtCheck.max === 0);
      if (!clean || c.offlineFinished === 0 || c.offlineTimedOut > 0 || !oneDrain) asExpected = false;
      const outcome = clean ? `clean (${d.audits} audits)` : verdict;
      rows.push([
        v.name, v.kernel.split(' ')[0], `${c.offlineFinished}/${c.offlineRounds}`, `${fmtNs(h.offline.p50)} / ${fmtNs(h.offline.p99)}`,
        `${fmtNum(d.drainsPerRound, 3)} (max ${h.drainsPerRound.max})`, fmtNum(d.checkFailsPerRound, 2), String(h.pcpPagesAtCheck.max),
        fmtNum(d.zoneLocksPerFree, 2), outcome,
      ]);
      summary[v.name] = {
        rounds: c.offlineRounds, finished: c.offlineFinished, offlineP50Ns: h.offline.p50, offlineP99Ns: h.offline.p99,
        drainsPerRound: d.drainsPerRound, maxDrainsPerRound: h.drainsPerRound.max, checkFailsPerRound: d.checkFailsPerRound,
        maxPcpPagesAtCheck: h.pcpPagesAtCheck.max, zoneLocksPerFree: d.zoneLocksPerFree, clean,
      };
    }
    const headers = ['variant', 'kernel', 'finished/rounds', 'offline p50 / p99', 'drains/round', 'failed checks/round', 'max pcp pages at a check', 'zone locks/free', 'outcome'];
    const table = formatTable(headers, rows, { align: ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'l'], width: ctx.width });
    const note = '"zone locks/free": zone->lock acquisitions per page a freer frees (C002-7: with the pcp lists disabled every free takes it).\n' +
      '"max pcp pages at a check": frames of the range seen on a pcp list at a test_pages_isolated() check (C002-3: 0 under pcp-disable).';
    return {
      title: this.title, text: `${table}\n${note}`, summary, runs, asExpected,
      sections: [{ heading: this.title, note: `${this.blurb}\n${note}`, table: { headers, rows } }],
    };
  },
};
