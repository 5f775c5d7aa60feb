/** Fitting text into boxes by an estimate of its width (no layout pass needed). */

/** About how wide a character of the UI font is, as a share of the font size. */
export const CHAR_WIDTH = 0.56;

export function textWidth(text: string, fontSize: number): number {
  return text.length * fontSize * CHAR_WIDTH;
}

/** `text` cut to `max` characters with an ellipsis. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, Math.max(1, max - 1)).trimEnd()}…`;
}

/**
 * Breaks text into at most `maxLines` lines of at most `maxChars` characters, at spaces
 * where it can; the last line ends in an ellipsis when text is left over.
 */
export function wrap(text: string, maxChars: number, maxLines: number): string[] {
  const words = text.trim().split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let line = '';
  let i = 0;
  for (; i < words.length; i++) {
    let w = words[i]!;
    const candidate = line ? `${line} ${w}` : w;
    if (candidate.length <= maxChars) {
      line = candidate;
      continue;
    }
    if (line) {
      lines.push(line);
      line = '';
      if (lines.length === maxLines) break;
    }
    while (w.length > maxChars) {
      lines.push(w.slice(0, maxChars));
      w = w.slice(maxChars);
      if (lines.length === maxLines) break;
    }
    if (lines.length === maxLines) {
      i++;
      break;
    }
    line = w;
  }
  if (line && lines.length < maxLines) {
    lines.push(line);
    line = '';
    i = words.length;
  }
  const rest = i < words.length || line !== '';
  if (rest && lines.length > 0) {
    let last = lines[lines.length - 1]!;
    if (last.length + 1 > maxChars) last = last.slice(0, Math.max(1, maxChars - 1)).trimEnd();
    lines[lines.length - 1] = `${last}…`;
  }
  return lines;
}
