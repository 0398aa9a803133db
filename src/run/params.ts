// Scenario parameters from command-line words: defaults, parsing and validation with errors that
// name the bad flag and value. Shared by run, compare, sweep and soak.
import type { ParamSpec, ParamValue, Params, Scenario } from '../scenarios/types.js';

export class InputError extends Error {}

/** Every parameter at its default. */
export function defaultParams(sc: Scenario): Params {
  return Object.fromEntries(sc.params.map((p) => [p.key, p.default]));
}

export function parseParamValue(spec: ParamSpec, raw: string): ParamValue {
  const bad = (why: string): never => { throw new InputError(`--${spec.flag} ${JSON.stringify(raw)}: ${why}`); };
  switch (spec.kind) {
    case 'int':
    case 'number': {
      if (raw.trim() === '' || !Number.isFinite(Number(raw))) bad(`expected a ${spec.kind === 'int' ? 'whole number' : 'number'}`);
      const v = Number(raw);
      if (spec.kind === 'int' && !Number.isInteger(v)) bad('expected a whole number');
      if (spec.min !== undefined && v < spec.min) bad(`must be >= ${spec.min}`);
      if (spec.max !== undefined && v > spec.max) bad(`must be <= ${spec.max}`);
      return v;
    }
    case 'choice':
      if (!spec.choices?.includes(raw)) bad(`expected one of ${spec.choices?.join(', ')}`);
      return raw;
    case 'bool':
      if (!['true', 'false', '1', '0', 'yes', 'no'].includes(raw)) bad('expected true or false');
      return ['true', '1', 'yes'].includes(raw);
  }
}

/**
 * Parses `--flag value`, `--flag=value`, bare boolean flags, and a choice's value used as a flag
 * (`--file` for --backing file). Unknown flags are an error naming the scenario.
 */
export function parseScenarioArgs(sc: Scenario, words: string[]): Params {
  const out = defaultParams(sc);
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    if (!word.startsWith('--')) throw new InputError(`unexpected argument ${JSON.stringify(word)}`);
    const eq = word.indexOf('=');
    const flag = word.slice(2, eq < 0 ? undefined : eq);
    const spec = sc.params.find((p) => p.flag === flag);
    if (!spec) {
      const asChoice = sc.params.find((p) => p.kind === 'choice' && p.choices?.includes(flag));
      if (asChoice && eq < 0) { out[asChoice.key] = flag; continue; }
      if (flag.startsWith('no-') && sc.params.find((p) => p.kind === 'bool' && p.flag === flag.slice(3))) { out[flag.slice(3)] = false; continue; }
      throw new InputError(`unknown parameter --${flag} for scenario ${sc.name} (see: pagestorm list ${sc.name})`);
    }
    let raw: string | undefined = eq < 0 ? undefined : word.slice(eq + 1);
    if (raw === undefined) {
      if (spec.kind === 'bool' && (i + 1 >= words.length || words[i + 1].startsWith('--'))) raw = 'true';
      else if (i + 1 < words.length) raw = words[++i];
      else throw new InputError(`--${flag} needs a value`);
    }
    out[spec.key] = parseParamValue(spec, raw);
  }
  return out;
}

/** Parses a comma list of values for one parameter (sweep). */
export function parseParamList(sc: Scenario, flag: string, list: string): { spec: ParamSpec; values: ParamValue[] } {
  const spec = sc.params.find((p) => p.flag === flag);
  if (!spec) throw new InputError(`unknown parameter --${flag} for scenario ${sc.name}`);
  const values = list.split(',').map((s) => parseParamValue(spec, s.trim()));
  if (values.length === 0) throw new InputError(`--values is empty`);
  return { spec, values };
}
