// RFC 4180 CSV cells with the formula-injection guard of audit.md §12: cells starting with `=`,
// `+`, `-` or `@` get a leading `'`; cells with a comma, quote or line break are quoted.
export function csvCell(value: unknown): string {
  let s = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(values: readonly unknown[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}
