// `pagestorm list` as text that fits the terminal: an overview of one line per scenario, and the
// detail of one scenario with its descriptions and parameter meanings wrapped to the width.
import type { ParamSpec, Scenario } from '../scenarios/types.js';
import { primaryMetricOf } from '../run/compare-runs.js';
import { formatTable } from '../report/table.js';
import { textWidth, wrapParagraph } from '../report/wrap.js';
import { IN_TREE_PATCHES } from '../patch/in-tree.js';

/** A patch file as list shows it: the source file for the in-tree ones, the path given otherwise. */
const patchLabel = (path: string): string => (IN_TREE_PATCHES.includes(path) ? `in-tree patch src/patches/${path.replace(/^.*\//, '').replace(/\.js$/, '.ts')}` : `patch ${path}`);

/** s cut to width code points, the cut marked with '…'. */
export function truncate(s: string, width: number): string {
  const cps = [...s];
  return cps.length <= width ? s : `${cps.slice(0, Math.max(0, width - 1)).join('')}…`;
}

/** The variants, controls marked '*'; when they do not fit in budget, how many there are. */
function variantsCell(sc: Scenario, budget: number): string {
  const full = sc.variants.map((v) => v.name + (v.knownBuggy ? '*' : '')).join(', ');
  if (textWidth(full) <= budget) return full;
  const controls = sc.variants.filter((v) => v.knownBuggy).length;
  return `${sc.variants.length} variants${controls ? `, ${controls} control${controls > 1 ? 's' : ''}*` : ''}`;
}

/** One line per scenario: name, variants (controls marked), title cut to what is left of the width. */
export function renderOverview(scenarios: Scenario[], width: number): string {
  const nameW = Math.max(textWidth('scenario'), ...scenarios.map((s) => textWidth(s.name)));
  const budget = Math.max(16, Math.floor((width - nameW - 4) / 2));
  const vars = scenarios.map((s) => variantsCell(s, budget));
  const varsW = Math.max(textWidth('variants'), ...vars.map(textWidth));
  const titleW = Math.max(12, width - nameW - varsW - 4);
  const rows = scenarios.map((s, i) => [s.name, vars[i], truncate(s.title, titleW)]);
  return [
    formatTable(['scenario', 'variants', 'title'], rows, { width }),
    '',
    ...wrapParagraph('* known-buggy control: a deliberately broken variant that the invariant checks must catch.', width),
    ...wrapParagraph('list <scenario>: its variants, parameters and defaults; list --json: everything, for tools.', width),
  ].join('\n');
}

/** A parameter's meaning: its description, its choices, where its default comes from. */
function meaning(p: ParamSpec): string {
  const choices = p.kind === 'choice' && p.choices ? ` One of: ${p.choices.join(', ')}.` : '';
  const source = p.source ? ` Default: ${p.source}.` : '';
  return `${p.description}.${choices}${source}`.replace(/\.\./g, '.');
}

/** One scenario in full, wrapped to width. */
export function renderScenario(sc: Scenario, width: number): string {
  const out: string[] = [
    ...wrapParagraph(`${sc.name}: ${sc.title}`, width, '', '  '),
    ...(sc.seeds.length ? wrapParagraph(`seeds: ${sc.seeds.join(', ')}`, width, '  ', '  ') : []),
    ...(sc.sources ?? []).map((x) => wrapParagraph(`source: ${x}`, width, '  ', '    ')).flat(),
    ...wrapParagraph(sc.description, width, '  '),
    ...wrapParagraph(`primary metric (compare): ${primaryMetricOf(sc)}`, width, '  '),
    '', '  variants:',
  ];
  for (const v of sc.variants) {
    out.push(`    ${v.name}${v.knownBuggy ? '  [known-buggy control]' : ''}${v.patch ? `  [${patchLabel(v.patch)}${v.base ? `, on ${v.base}` : ''}]` : ''}`, ...wrapParagraph(`${v.kernel}: ${v.description}`, width, '      '));
  }
  const rows = sc.params.map((p) => [`--${p.flag}`, String(p.default) + (p.unit ? ` ${p.unit}` : ''), p.kind, meaning(p)]);
  const table = formatTable(['parameter', 'default', 'kind', 'meaning'], rows, { align: ['l', 'r', 'l', 'l'], width: width - 4, wrap: [false, false, false, true] });
  out.push('', '  parameters (--flag value; a choice also as --value, e.g. --file for --backing file):', table.replace(/^/gm, '    '));
  return out.join('\n');
}
