// Word wrapping for terminal text, counted in code points, so reports and lists fit a terminal width.

/** Display width in code points (not UTF-16 units): 'µ', '–', '±' and '⁰' count as one column. */
export const textWidth = (s: string): number => [...s].length;

/**
 * Splits s into words at spaces. With keepIntervals a bracketed group stays one word
 * ('[+4.1%, +20.8%]'), so a table cell never wraps inside its interval.
 */
export function words(s: string, keepIntervals = false): string[] {
  if (!keepIntervals) return s.split(' ').filter(Boolean);
  const out: string[] = [];
  let cur = '';
  let depth = 0;
  for (const ch of s) {
    if (ch === '[') depth++;
    if (ch === ']' && depth > 0) depth--;
    if (ch === ' ' && depth === 0) {
      if (cur) out.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (cur) out.push(cur);
  return out;
}

/** Cuts a word longer than width into pieces of width code points. */
function chop(word: string, width: number): string[] {
  const cps = [...word];
  const out: string[] = [];
  for (let i = 0; i < cps.length; i += width) out.push(cps.slice(i, i + width).join(''));
  return out;
}

/** Packs units (words, or list items) into lines of at most width (restWidth after the first); a longer unit is cut. */
function pack(units: string[], width: number, restWidth: number): string[] {
  const lines: string[] = [];
  let line = '';
  const room = (): number => Math.max(1, Math.floor(lines.length === 0 ? width : restWidth));
  for (const whole of units) {
    for (const unit of textWidth(whole) > room() ? chop(whole, Math.max(1, Math.floor(Math.min(width, restWidth)))) : [whole]) {
      if (line && textWidth(line) + 1 + textWidth(unit) > room()) {
        lines.push(line);
        line = unit;
      } else line = line ? `${line} ${unit}` : unit;
    }
  }
  lines.push(line);
  return lines;
}

/** Wraps s into lines of at most width code points (restWidth for every line after the first). */
export function wrapWords(s: string, width: number, restWidth = width, keepIntervals = false): string[] {
  return pack(words(s, keepIntervals), width, restWidth);
}

/**
 * A list such as 'counters: waits 60296, sleeps 60260, ...' wraps between its items, not inside
 * one: its units are the comma-separated items when there are several and all are short.
 */
function units(s: string): string[] {
  const items = s.split(/(?<=,) /);
  return items.length >= 4 && items.every((x) => textWidth(x) <= 32) ? items : words(s);
}

/** Wraps one paragraph to width with `indent` before every line and `hanging` more on continuation lines. */
export function wrapParagraph(s: string, width: number, indent = '', hanging = ''): string[] {
  const lines = pack(units(s), width - textWidth(indent), width - textWidth(indent + hanging));
  return lines.map((l, i) => (i === 0 ? indent : indent + hanging) + l);
}

/**
 * Fits a finished text to width: every line wider than width is wrapped at spaces (a list between
 * its items), continuation lines indented two columns past the line's own indent. Lines that fit
 * (tables laid out for the width) are left alone; a line with no space to break at is left as it is.
 */
export function fitLines(text: string, width: number): string {
  return text.split('\n').flatMap((line) => {
    if (textWidth(line) <= width || !/\S \S/.test(line)) return [line];
    const indent = /^ */.exec(line)![0];
    return wrapParagraph(line.slice(indent.length), width, indent, '  ');
  }).join('\n');
}

/**
 * fitLines for hand-wrapped prose (the showcase's blurbs and notes, wrapped at ~115 columns): a line
 * that is too wide takes the lines after it into one paragraph, up to one ending a sentence or a
 * blank or indented line, before wrapping, so no continuation is left with a word or two on it.
 * Lines that fit (tables) are never joined.
 */
export function reflowLines(text: string, width: number): string {
  const lines = text.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i];
    while (textWidth(line) > width && i + 1 < lines.length && /^\S/.test(lines[i + 1]) && !/[.:]$/.test(line)) line = `${line} ${lines[++i]}`;
    out.push(line);
  }
  return fitLines(out.join('\n'), width);
}
