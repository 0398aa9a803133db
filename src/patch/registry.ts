// The scenarios as a command or a library call sees them: the built-ins, with each patch's variants,
// figures and scenarios added. Loads and validates every patch before any role starts (InputError,
// every problem of every file at once).
import { SCENARIOS } from '../scenarios/index.js';
import { ROLES } from '../workers/entry.js';
import { InputError } from '../run/params.js';
import type { PatchRecord, Proportion, RoleSpec, Scenario, VariantSpec } from '../scenarios/types.js';
import type { PatchManifest } from '../workers/context.js';
import type { Patch, PatchExtension, PatchScenario } from './define.js';
import { loadPatchFile, PatchLoadError, type LoadedFile } from './load.js';
import { validatePatch, type Known } from './validate.js';
import { counterNames } from './counters.js';
import { IN_TREE_PATCHES } from './in-tree.js';

export interface Registry {
  scenarios: Scenario[];
  patches: PatchRecord[];
  find(name: string): Scenario | undefined;
}

/** The built-ins alone. */
export const BUILT_IN: Registry = { scenarios: SCENARIOS, patches: [], find: (n) => SCENARIOS.find((s) => s.name === n) };

/** Loads, validates and merges the in-tree patches and these files (in order); throws one InputError listing every problem. */
export async function loadRegistry(given: readonly string[], o: { inTree?: boolean } = {}): Promise<Registry> {
  const files = [...(o.inTree === false ? [] : IN_TREE_PATCHES), ...given];
  if (files.length === 0) return BUILT_IN;
  const loaded: LoadedFile[] = [];
  const problems: string[] = [];
  for (const f of files) {
    try {
      const l = await loadPatchFile(f);
      if (loaded.some((x) => x.path === l.path)) problems.push(`${l.path}: given twice with --patch`);
      else loaded.push(l);
    } catch (e) {
      if (e instanceof PatchLoadError) problems.push(e.message);
      else throw e;
    }
  }
  const known: Known = {
    scenarios: new Map(SCENARIOS.map((s) => [s.name, s])),
    variants: new Map(SCENARIOS.map((s) => [s.name, new Set(s.variants.map((v) => v.name))])),
    roles: new Set(Object.keys(ROLES)),
    counters: new Set(),
    histograms: new Map(SCENARIOS.map((s) => [s.name, new Set(Object.keys(s.histograms))])),
  };
  for (const l of loaded) {
    let found: string[];
    try {
      found = validatePatch(l.value, l.exportNames, known);
    } catch (e) {
      found = [`could not be checked: ${(e as Error).message}`]; // a getter that throws, say
    }
    problems.push(...found.map((p) => `${l.path}: ${p}`));
  }
  if (problems.length) throw new InputError(`bad patch${problems.length > 1 ? 'es' : ''} (nothing was run):\n  ${problems.join('\n  ')}`);
  return buildRegistry(loaded);
}

/** Merges validated patches into the scenario list; each scenario carries only the files that touch it. */
export function buildRegistry(loaded: readonly LoadedFile[]): Registry {
  const patches: PatchRecord[] = loaded.map((l) => ({ path: l.path, sha256: l.sha256 }));
  const own: Scenario[] = loaded.flatMap((l) => ((l.value as Patch).scenarios ?? []).map((s) => ownScenario(s, l.path)));
  const scenarios = [...SCENARIOS, ...own].map((sc) => {
    // A file touches a scenario it extends or defines; one with roles touches every scenario a patch touches.
    const extendsIt = (p: Patch): boolean => (p.extend ?? []).some((e) => e.scenario === sc.name) || (p.scenarios ?? []).some((s) => s.name === sc.name);
    if (!loaded.some((l) => extendsIt(l.value as Patch))) return sc; // runs without loading any patch
    const relevant = loaded.filter((l) => extendsIt(l.value as Patch) || Object.keys((l.value as Patch).roles ?? {}).length > 0);
    const exts = relevant.flatMap((l) => ((l.value as Patch).extend ?? []).filter((e) => e.scenario === sc.name).map((e) => ({ e, path: l.path })));
    return withPatches(sc, exts, relevant.map((l) => ({ path: l.path, sha256: l.sha256 })), counterNames(relevant.map((l) => l.value as Patch)));
  });
  return { scenarios, patches, find: (n) => scenarios.find((s) => s.name === n) };
}

function ownScenario(s: PatchScenario, path: string): Scenario {
  return { ...s, seeds: s.seeds ?? [], variants: s.variants.map((v) => ({ ...v, patch: path })) } as Scenario;
}

/**
 * The scenario with the patches' variants and figures: a patch variant runs its base variant's
 * roles, with the manifest in every payload (each worker loads the patches and uses the variant's hooks).
 */
function withPatches(sc: Scenario, exts: { e: PatchExtension; path: string }[], patches: PatchRecord[], counters: string[]): Scenario {
  const added: VariantSpec[] = exts.flatMap(({ e, path }) => (e.variants ?? []).map(({ hooks: _h, ...v }) => ({ ...v, base: v.base ?? sc.variants[0].name, patch: path })));
  const baseOf = (v: string): string => added.find((x) => x.name === v)?.base ?? v;
  const merge = <T>(f: (c: Record<string, number>) => Record<string, T>, g: ((c: Record<string, number>) => Record<string, T>) | undefined) =>
    g ? (c: Record<string, number>): Record<string, T> => ({ ...f(c), ...g(c) }) : f;
  let rates = (c: Record<string, number>): Record<string, Proportion> => sc.rates(c);
  let derived = sc.derived;
  let better = sc.better;
  let histograms = sc.histograms;
  for (const { e } of exts) {
    rates = merge(rates, e.rates?.bind(e));
    derived = e.derived ? merge(derived ?? (() => ({})), e.derived.bind(e)) : derived;
    better = e.better ? { ...better, ...e.better } : better;
    histograms = e.histograms ? { ...histograms, ...e.histograms } : histograms;
  }
  const manifest = (variant: string): PatchManifest => ({ files: patches, scenario: sc.name, variant });
  const out: Scenario = {
    ...sc,
    variants: [...sc.variants, ...added],
    histograms,
    rates,
    ...(derived ? { derived } : {}),
    ...(better ? { better } : {}),
    counters,
    patches,
    setup: (m, p, v) => sc.setup(m, p, baseOf(v)),
    roles: (p, v): RoleSpec[] => sc.roles(p, baseOf(v)).map((r) => ({ ...r, patch: manifest(v) })),
    checkQuiescent: (m, p, v) => sc.checkQuiescent(m, p, baseOf(v)),
    ...(sc.forbiddenFor ? { forbiddenFor: (v: string, k: string) => sc.forbiddenFor!(baseOf(v), k) } : {}),
  };
  return out;
}
