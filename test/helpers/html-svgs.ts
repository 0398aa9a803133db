// Splits a rendered report into its <svg> elements, so tests can count marks chart by chart.
export interface SvgPiece { label: string; body: string }

export function svgsOf(html: string): SvgPiece[] {
  return [...html.matchAll(/<svg class="chart"[^>]*aria-label="([^"]*)"[^>]*>([\s\S]*?)<\/svg>/g)].map((m) => ({ label: m[1], body: m[2] }));
}

export const countOf = (s: string, re: RegExp): number => s.match(new RegExp(re.source, 'g'))?.length ?? 0;
