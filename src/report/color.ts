/**
 * Minimal ANSI colour, honouring NO_COLOR (https://no-color.org) and FORCE_COLOR, and only on
 * a TTY by default.
 */
const CODES = {
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  blue: [34, 39],
  magenta: [35, 39],
  cyan: [36, 39],
  gray: [90, 39],
  bold: [1, 22],
  dim: [2, 22],
} as const;

export type Style = keyof typeof CODES;

export function colorEnabled(stream: { isTTY?: boolean }, env: Readonly<Record<string, string | undefined>>): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  if (env.TERM === 'dumb') return false;
  return stream.isTTY === true;
}

export function paint(enabled: boolean, style: Style, text: string): string {
  if (!enabled) return text;
  const [open, close] = CODES[style];
  return `\u001b[${open}m${text}\u001b[${close}m`;
}

/** A painter bound to one decision, e.g. `const c = painter(ctx.color); c('red', 'x')`. */
export function painter(enabled: boolean): (style: Style, text: string) => string {
  return (style, text) => paint(enabled, style, text);
}

export const SEVERITY_STYLE = {
  info: 'gray',
  low: 'cyan',
  moderate: 'yellow',
  high: 'red',
  critical: 'magenta',
} as const satisfies Record<string, Style>;
