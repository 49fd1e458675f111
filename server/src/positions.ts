// Offsets (what every craft Range holds) to LSP positions and back, on a
// document's LineIndex. Every feature converts through these, so that the
// clamping rules are the same everywhere.
//
// LSP positions are 0-based lines and UTF-16 columns, which is what
// LineIndex counts. LineIndex breaks lines at "\n" only; a "\r" before it is
// part of the line's text, so CRLF files map the same as LSP sees them (a
// lone "\r", which LSP also treats as a line break, is the one difference).

import type { LineIndex, Range } from "@craft/language";
import type { Position as LspPosition, Range as LspRange } from "vscode-languageserver/node.js";

/** The LSP position of an offset (clamped to the text). */
export function toLspPosition(lines: LineIndex, offset: number): LspPosition {
  return lines.positionAt(offset);
}

/** The LSP range of a craft range. */
export function toLspRange(lines: LineIndex, range: Range): LspRange {
  const start = lines.positionAt(range.start);
  return { start, end: range.end === range.start ? start : lines.positionAt(range.end) };
}

/**
 * The offset of an LSP position. As LSP says, a character past the end of its
 * line means the end of that line (before its line break), a line past the
 * last means the end of the text, and negative numbers mean 0.
 */
export function toOffset(lines: LineIndex, position: LspPosition): number {
  const text = lines.text;
  if (position.line < 0) return 0;
  if (position.line >= lines.lineCount) return text.length;
  const start = lines.offsetAt({ line: position.line, character: 0 });
  let end = position.line + 1 < lines.lineCount ? lines.offsetAt({ line: position.line + 1, character: 0 }) - 1 : text.length;
  if (end > start && text.charCodeAt(end - 1) === 13 && end < text.length && text.charCodeAt(end) === 10) end--; // CRLF
  return start + Math.min(Math.max(0, position.character), end - start);
}

/** The craft range of an LSP range (start ≤ end even when the client sends them reversed). */
export function toTextRange(lines: LineIndex, range: LspRange): Range {
  const a = toOffset(lines, range.start);
  const b = toOffset(lines, range.end);
  return a <= b ? { start: a, end: b } : { start: b, end: a };
}

/** Whether an offset lies in a range; the end counts, so a cursor just after a name is on it. */
export function touches(range: Range, offset: number): boolean {
  return range.start <= offset && offset <= range.end;
}
