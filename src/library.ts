// The runner half of the library (runScenario, compare, listScenarios): loaded only when one of
// them is called, so a patch file that imports 'pagestorm' in a worker pulls in no runner or statistics.
import { runOnce, type RunOptions } from './run/run-once.js';
import { compareRuns, metricsFor, primaryMetricOf, type CompareSpec } from './run/compare-runs.js';
import { InputError, parseScenarioArgs } from './run/params.js';
import { loadRegistry, type Registry } from './patch/registry.js';
import type { Params, ParamValue, Scenario, VariantSpec } from './scenarios/types.js';
import type { CompareResult, RunResult } from './report/schema.js';

export { loadRegistry };

/** Options every library call shares. */
export interface LibraryOptions {
  /** Patch files to load (validated first; a bad one throws InputError naming the file and the problem). */
  patches?: string[];
  /** Scenario parameters by key or flag (e.g. { faulters: 4, backing: 'file' }); the rest keep their defaults. */
  params?: Record<string, ParamValue>;
  /** Measured seconds per run (default 1), warm-up seconds (default 0.2), seed (default 1). */
  durationS?: number;
  warmupS?: number;
  seed?: number;
  signal?: AbortSignal;
}

export interface RunScenarioOptions extends LibraryOptions, Pick<RunOptions, 'stopOnForbidden' | 'onForbidden'> {
  variant: string;
}

/** One run of one variant. Resolves with the result document (error/crashed set if a role threw). */
export async function runScenario(scenario: string, o: RunScenarioOptions): Promise<RunResult> {
  const reg = await loadRegistry(o.patches ?? []);
  const sc = scenarioOf(reg, scenario);
  variantOf(sc, o.variant);
  const { variant: _v, patches: _p, params: _q, durationS, warmupS, seed, ...rest } = o;
  return runOnce(sc, o.variant, paramsOf(sc, o.params), { durationS: durationS ?? 1, warmupS: warmupS ?? 0.2, seed: seed ?? 1, ...rest });
}

export interface CompareOptions extends LibraryOptions, CompareSpec {
  /** [before, after]: the two variants, run in ABBA blocks. */
  variants: [string, string];
  /** ABBA blocks (each variant runs this many times; default 6). */
  repeat?: number;
}

/** Two variants in ABBA blocks, compared with the run as the unit (the same report as `pagestorm compare --json`). */
export async function compare(scenario: string, o: CompareOptions): Promise<CompareResult> {
  const reg = await loadRegistry(o.patches ?? []);
  const sc = scenarioOf(reg, scenario);
  const [a, b] = o.variants.map((v) => variantOf(sc, v));
  const { variants: _v, patches: _p, params: _q, repeat, durationS, warmupS, seed, ...rest } = o;
  return compareRuns(sc, a, b, paramsOf(sc, o.params), repeat ?? 6, { durationS: durationS ?? 1, warmupS: warmupS ?? 0.2, seed: seed ?? 1, ...rest });
}

export interface ScenarioInfo {
  name: string;
  title: string;
  description: string;
  variants: VariantSpec[];
  params: { key: string; flag: string; kind: string; default: ParamValue; description: string }[];
  histograms: Scenario['histograms'];
  primary: string;
  metrics: string[];
}

/** Every scenario with its variants (patch variants carry `patch`, the file, and `base`). */
export async function listScenarios(o: { patches?: string[] } = {}): Promise<ScenarioInfo[]> {
  const reg = await loadRegistry(o.patches ?? []);
  return reg.scenarios.map((s) => ({
    name: s.name, title: s.title, description: s.description, variants: s.variants.map((v) => ({ ...v })),
    params: s.params.map(({ key, flag, kind, default: d, description }) => ({ key, flag, kind, default: d, description })),
    histograms: s.histograms, primary: primaryMetricOf(s), metrics: metricsFor(s).map((m) => m.name),
  }));
}

function scenarioOf(reg: Registry, name: string): Scenario {
  const sc = reg.find(name);
  if (!sc) throw new InputError(`unknown scenario ${JSON.stringify(name)}; known: ${reg.scenarios.map((s) => s.name).join(', ')}`);
  return sc;
}

function variantOf(sc: Scenario, v: string): string {
  if (!sc.variants.some((x) => x.name === v)) throw new InputError(`unknown variant ${JSON.stringify(v)} for ${sc.name}; known: ${sc.variants.map((x) => x.name).join(', ')}`);
  return v;
}

/** Parameters by key or flag, parsed and checked exactly as the command line does. */
function paramsOf(sc: Scenario, given: Record<string, ParamValue> = {}): Params {
  const words = Object.entries(given).flatMap(([k, v]) => {
    const spec = sc.params.find((p) => p.key === k || p.flag === k);
    if (!spec) throw new InputError(`unknown parameter ${JSON.stringify(k)} for scenario ${sc.name}; known: ${sc.params.map((p) => p.key).join(', ')}`);
    return [`--${spec.flag}`, String(v)];
  });
  return parseScenarioArgs(sc, words);
}
