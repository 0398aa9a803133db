// Checks a whole patch on the main thread before any worker starts, and reports every problem at
// once, each naming the key path (jcstress style: `extend[0].variants[1].kernel is required`).
// An unknown hook or scenario is an error, never a silent no-op.
import { HOOKS, HOOK_NAMES, type HookName } from '../shared/mm/hooks.js';
import { STAT_NAMES, PATCH_COUNTER_WORDS } from '../shared/stats.js';
import { defaultParams } from '../run/params.js';
import type { Scenario } from '../scenarios/types.js';
import type { Patch } from './define.js';

/** What the patches before this one (and the built-ins) already define. */
export interface Known {
  scenarios: Map<string, Scenario>;
  /** Variant names per scenario, built-in and from earlier patches. */
  variants: Map<string, Set<string>>;
  roles: Set<string>;
  counters: Set<string>;
  /** Histogram names per scenario. */
  histograms: Map<string, Set<string>>;
}

const TOP_KEYS = ['name', 'counters', 'extend', 'scenarios', 'roles'];
const EXT_KEYS = ['scenario', 'variants', 'histograms', 'rates', 'derived', 'better'];
const VARIANT_KEYS = ['name', 'kernel', 'description', 'knownBuggy', 'base', 'hooks'];
const SCENARIO_FUNCS = ['memConfig', 'setup', 'roles', 'checkQuiescent', 'rates'];
const NAME = /^[A-Za-z][\w.+-]*$/; // as the built-in names (e.g. unlock-page+put-and-wait); never a comma

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const str = (x: unknown): string => JSON.stringify(x) ?? String(x);

/** Problems with one patch (empty when it is fine); `known` is updated with what it adds. */
export function validatePatch(value: unknown, exportNames: string[], known: Known): string[] {
  const out: string[] = [];
  if (value === undefined) {
    return [`exports no patch: expected \`export default definePatch({ ... })\`${exportNames.length ? `; it exports only ${exportNames.join(', ')}` : ''}`];
  }
  if (!isObj(value)) return [`the default export is ${Array.isArray(value) ? 'an array' : typeof value}, expected definePatch({ ... })`];
  const p = value as Patch & Record<string, unknown>;
  for (const k of Object.keys(p)) if (!TOP_KEYS.includes(k)) out.push(`unknown key ${str(k)}; a patch has ${TOP_KEYS.join(', ')}`);
  if (p.name !== undefined && typeof p.name !== 'string') out.push(`name must be a string`);
  const hasContent = (p.extend?.length ?? 0) + (p.scenarios?.length ?? 0) + Object.keys(p.roles ?? {}).length + (p.counters?.length ?? 0) > 0;
  if (!hasContent) out.push('defines nothing: give extend, scenarios, roles or counters');

  // Roles first: the scenarios below may use them.
  if (p.roles !== undefined) {
    if (!isObj(p.roles)) out.push('roles must be an object of role name -> (ctx) => result');
    else for (const [name, fn] of Object.entries(p.roles)) {
      if (known.roles.has(name)) out.push(`roles.${name}: a role of that name exists already`);
      else if (typeof fn !== 'function') out.push(`roles.${name} must be a function (ctx) => ctx.finish()`);
      else if (fn.length !== 1) out.push(`roles.${name} declares ${fn.length} parameters, expected 1 (ctx)`);
      known.roles.add(name);
    }
  }
  if (p.counters !== undefined) {
    if (!Array.isArray(p.counters)) out.push('counters must be an array of names');
    else p.counters.forEach((c, i) => {
      if (typeof c !== 'string' || !NAME.test(c)) out.push(`counters[${i}] ${str(c)}: expected a name like "retries"`);
      else if ((STAT_NAMES as readonly string[]).includes(c) || known.counters.has(c)) out.push(`counters[${i}] ${str(c)}: a counter of that name exists already`);
      else known.counters.add(c);
    });
    if (known.counters.size > PATCH_COUNTER_WORDS) out.push(`counters: ${known.counters.size} patch counters in all, at most ${PATCH_COUNTER_WORDS} fit in a task's counter row`);
  }
  if (p.scenarios !== undefined) {
    if (!Array.isArray(p.scenarios)) out.push('scenarios must be an array');
    else p.scenarios.forEach((s, i) => out.push(...checkScenario(s, `scenarios[${i}]`, known)));
  }
  if (p.extend !== undefined) {
    if (!Array.isArray(p.extend)) out.push('extend must be an array of { scenario, variants, ... }');
    else p.extend.forEach((e, i) => out.push(...checkExtension(e, `extend[${i}]`, known)));
  }
  return out;
}

function checkExtension(e: unknown, at: string, known: Known): string[] {
  if (!isObj(e)) return [`${at} must be an object { scenario, variants, ... }`];
  const out: string[] = [];
  for (const k of Object.keys(e)) if (!EXT_KEYS.includes(k)) out.push(`${at}: unknown key ${str(k)}; an extension has ${EXT_KEYS.join(', ')}`);
  const sc = typeof e.scenario === 'string' ? known.scenarios.get(e.scenario) : undefined;
  if (!sc) {
    out.push(`${at}.scenario ${str(e.scenario)}: unknown scenario; known: ${[...known.scenarios.keys()].join(', ')}`);
    return out;
  }
  out.push(...checkMetrics(e, at, known.histograms.get(sc.name)!));
  if (e.variants !== undefined && !Array.isArray(e.variants)) out.push(`${at}.variants must be an array`);
  else (e.variants as unknown[] | undefined ?? []).forEach((v, j) => out.push(...checkVariant(v, `${at}.variants[${j}]`, sc, known, false)));
  return out;
}

function checkMetrics(e: Record<string, unknown>, at: string, hists: Set<string>): string[] {
  const out: string[] = [];
  if (e.histograms !== undefined) {
    if (!isObj(e.histograms)) out.push(`${at}.histograms must be an object of name -> { unit, description }`);
    else for (const [k, h] of Object.entries(e.histograms)) {
      if (hists.has(k)) out.push(`${at}.histograms.${k}: a histogram of that name exists already`);
      else if (!isObj(h) || typeof h.unit !== 'string' || typeof h.description !== 'string') out.push(`${at}.histograms.${k} must be { unit: 'ns' | 'count' | ..., description: string }`);
      hists.add(k);
    }
  }
  for (const f of ['rates', 'derived'] as const) {
    if (e[f] !== undefined && typeof e[f] !== 'function') out.push(`${at}.${f} must be a function (counters) => { ... }`);
    else if (typeof e[f] === 'function' && (e[f] as () => void).length !== 1) out.push(`${at}.${f} declares ${(e[f] as () => void).length} parameters, expected 1 (counters)`);
  }
  if (e.better !== undefined) {
    if (!isObj(e.better)) out.push(`${at}.better must be an object of figure -> 'higher' | 'lower'`);
    else for (const [k, b] of Object.entries(e.better)) if (b !== 'higher' && b !== 'lower') out.push(`${at}.better.${k} ${str(b)}: expected 'higher' or 'lower'`);
  }
  return out;
}

/** own: a variant of the patch's own scenario (its roles() reads the name itself; no base). */
function checkVariant(v: unknown, at: string, sc: Scenario | undefined, known: Known, own: boolean): string[] {
  if (!isObj(v)) return [`${at} must be an object { name, kernel, description, hooks }`];
  const out: string[] = [];
  for (const k of Object.keys(v)) if (!VARIANT_KEYS.includes(k)) out.push(`${at}: unknown key ${str(k)}; a variant has ${VARIANT_KEYS.join(', ')}`);
  const names = sc ? known.variants.get(sc.name)! : new Set<string>();
  if (typeof v.name !== 'string' || !NAME.test(v.name)) out.push(`${at}.name ${v.name === undefined ? 'is required' : `${str(v.name)}: expected a name like "bounded-wait"`}`);
  else if (names.has(v.name)) out.push(`${at}.name ${str(v.name)}: duplicate variant name${sc ? ` in ${sc.name}` : ''}`);
  else names.add(v.name);
  for (const k of ['kernel', 'description'] as const) {
    if (typeof v[k] !== 'string' || (v[k] as string).trim() === '') out.push(`${at}.${k} is required (${k === 'kernel' ? 'the commit or RFC the variant models' : 'one line'})`);
  }
  if (v.knownBuggy !== undefined && typeof v.knownBuggy !== 'boolean') out.push(`${at}.knownBuggy must be true or false`);
  let base: string | undefined;
  if (own) {
    if (v.base !== undefined) out.push(`${at}.base: only a variant added to an existing scenario has a base`);
  } else if (sc) {
    const builtIn = sc.variants.filter((x) => !x.patch).map((x) => x.name);
    base = v.base === undefined ? builtIn[0] : String(v.base);
    if (!builtIn.includes(base)) { out.push(`${at}.base ${str(v.base)}: not a built-in variant of ${sc.name}; known: ${builtIn.join(', ')}`); base = undefined; }
  }
  if (v.hooks !== undefined) {
    if (!isObj(v.hooks)) out.push(`${at}.hooks must be an object of hook name -> function`);
    else {
      const reach = sc && !own && base ? rolesOf(sc, base) : undefined;
      for (const [h, fn] of Object.entries(v.hooks)) out.push(...checkHook(h, fn, `${at}.hooks.${h}`, sc, reach));
    }
  } else if (!own) out.push(`${at}.hooks is required: the kernel steps the variant replaces (${HOOK_NAMES.join(', ')})`);
  return out;
}

function checkHook(h: string, fn: unknown, at: string, sc: Scenario | undefined, reach: Set<string> | undefined): string[] {
  if (!(HOOK_NAMES as string[]).includes(h)) return [`${at}: unknown hook ${str(h)}; known: ${HOOK_NAMES.join(', ')}`];
  const spec = HOOKS[h as HookName];
  if (typeof fn !== 'function') return [`${at} must be a function (${spec.params.join(', ')})`];
  if (fn.length !== spec.params.length) return [`${at} declares ${fn.length} parameter${fn.length === 1 ? '' : 's'}, expected ${spec.params.length} (${spec.params.join(', ')})`];
  if (reach && sc && !spec.roles.includes('*') && !spec.roles.some((r) => reach.has(r))) {
    return [`${at}: ${h} replaces ${spec.seam}, which no role of ${sc.name} reaches (its roles: ${[...reach].join(', ')})`];
  }
  return [];
}

/** The role names a scenario starts for a variant, at default parameters. */
function rolesOf(sc: Scenario, variant: string): Set<string> {
  try {
    return new Set(sc.roles({ ...defaultParams(sc), seed: 1 }, variant).map((r) => r.role));
  } catch {
    return new Set();
  }
}

function checkScenario(s: unknown, at: string, known: Known): string[] {
  if (!isObj(s)) return [`${at} must be a scenario object`];
  const out: string[] = [];
  if (typeof s.name !== 'string' || !NAME.test(s.name)) { out.push(`${at}.name ${s.name === undefined ? 'is required' : `${str(s.name)}: expected a name like "my-scenario"`}`); return out; }
  if (known.scenarios.has(s.name)) { out.push(`${at}.name ${str(s.name)}: a scenario of that name exists already`); return out; }
  at = `${at} (${s.name})`;
  for (const k of ['title', 'description'] as const) if (typeof s[k] !== 'string') out.push(`${at}.${k} is required (a string)`);
  if (!Array.isArray(s.params)) out.push(`${at}.params is required (an array of ParamSpec, may be empty)`);
  if (!isObj(s.histograms)) out.push(`${at}.histograms is required (an object, may be empty)`);
  for (const f of SCENARIO_FUNCS) if (typeof s[f] !== 'function') out.push(`${at}.${f} is required (a function)`);
  if (!Array.isArray(s.variants) || s.variants.length === 0) { out.push(`${at}.variants is required (at least one)`); return out; }
  const sc = { ...s, seeds: s.seeds ?? [] } as unknown as Scenario;
  known.variants.set(s.name, new Set());
  known.histograms.set(s.name, new Set(Object.keys(isObj(s.histograms) ? s.histograms : {})));
  s.variants.forEach((v, j) => out.push(...checkVariant(v, `${at}.variants[${j}]`, sc, known, true)));
  out.push(...checkMetrics({ better: s.better }, at, new Set()));
  if (out.length) return out;
  // Every role it starts must exist (built-in or a patch's), at default parameters for each variant.
  for (const v of s.variants as { name: string }[]) {
    try {
      const p = { ...defaultParams(sc), seed: 1 };
      const roles = sc.roles(p, v.name);
      if (!Array.isArray(roles) || roles.length === 0) out.push(`${at}.roles(params, ${str(v.name)}) returned no roles`);
      else for (const r of roles) if (!known.roles.has(r.role)) out.push(`${at}.roles(params, ${str(v.name)}): unknown role ${str(r.role)}; known: ${[...known.roles].join(', ')}`);
      const cfg = sc.memConfig(p);
      if (Array.isArray(roles) && roles.length > cfg.tasks) out.push(`${at}: ${roles.length} roles but memConfig gives only ${cfg.tasks} tasks`);
    } catch (e) {
      out.push(`${at}.roles/memConfig threw for variant ${str(v.name)}: ${(e as Error).message}`);
    }
  }
  if (!out.length) known.scenarios.set(s.name, sc);
  return out;
}
