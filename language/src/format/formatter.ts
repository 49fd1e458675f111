// The canonical layout of .craft files (`craft fmt`, editor formatting).
//
// - one top-level form per paragraph, separated by a blank line;
// - a list that fits in WIDTH columns and holds no comment stays on one line;
//   otherwise its head (and, for forms, the name) stays on the first line and
//   every other argument, or keyword with its values, gets a line of its own,
//   indented two spaces more than the list;
// - every comment is kept: one that followed code on its line stays there,
//   one on a line of its own stays on a line of its own;
// - quoted symbols are written 'open (the seeds' 'open' means the same).
//
// It works on the S-expression tree, so it formats files whose forms are
// wrong too; only text that does not lex or balance is returned unchanged.

import type { Comment } from "../syntax/lexer.js";
import { quotedName } from "../syntax/lexer.js";
import { optionArity } from "../syntax/forms.js";
import { parseSExpressions } from "../syntax/parse.js";
import { isKeyword, type SAtom, type SExpr, type SList } from "../syntax/sexpr.js";

export const WIDTH = 100;
const INDENT = 2;

/** Top-level forms whose name stays on the first line with the head. */
const NAMED_FORMS = new Set(["task", "object", "define", "constraint", "type", "model"]);

export function format(text: string): string {
  const { sexprs, diagnostics, comments } = parseSExpressions(text);
  // Broken text could lose what the user wrote: leave it as it is.
  if (diagnostics.length > 0) return text;
  return new Printer(text, comments).file(sexprs);
}

/** An item of a broken list: one argument, or a keyword with its values. */
interface Group {
  readonly items: readonly SExpr[];
}

class Printer {
  private readonly lines: string[] = [];
  /** index of the next comment not yet printed */
  private next = 0;
  private readonly flatCache = new Map<SList, string | null>();

  constructor(
    private readonly text: string,
    private readonly comments: readonly Comment[],
  ) {}

  /** end of the last top-level thing printed (form or comment) */
  private prevEnd = 0;
  /** whether that thing is a form (a comment after it on its line does not count) */
  private prevWasForm = false;

  file(items: readonly SExpr[]): string {
    const lines = this.lines;
    for (const item of items) {
      this.topLevelComments(item.range.start);
      if (lines.length > 0 && (this.prevWasForm || this.blankLineBetween(this.prevEnd, item.range.start))) lines.push("");
      this.emit(this.render(item, 0, 0, true), "");
      this.prevEnd = item.range.end;
      this.prevWasForm = true;
    }
    this.topLevelComments(Infinity);
    return lines.length === 0 ? "" : lines.join("\n") + "\n";
  }

  /** Prints the top-level comments that start before `limit`. */
  private topLevelComments(limit: number): void {
    const lines = this.lines;
    while (this.next < this.comments.length && this.comments[this.next]!.range.start < limit) {
      const c = this.comments[this.next++]!;
      if (lines.length > 0 && this.prevWasForm && !this.newlineBetween(this.prevEnd, c.range.start)) {
        lines[lines.length - 1] += " " + c.text;
      } else {
        if (lines.length > 0 && (this.prevWasForm || this.blankLineBetween(this.prevEnd, c.range.start))) lines.push("");
        lines.push(c.text);
        this.prevWasForm = false;
      }
      this.prevEnd = c.range.end;
    }
  }

  // ---- layout ----------------------------------------------------------------------

  /** Appends rendered lines; the first is continued from `prefix`. */
  private emit(rendered: string[], prefix: string): void {
    this.lines.push(prefix + rendered[0]!);
    for (let i = 1; i < rendered.length; i++) this.lines.push(rendered[i]!);
  }

  /**
   * Lines for `e` starting at column `col`: the first line without its
   * indentation (the caller places it), the others fully indented.
   * `closers` is how many `)` of enclosing lists will follow `e` on its last line.
   */
  private render(e: SExpr, col: number, closers: number, topLevel = false): string[] {
    if (e.kind === "atom") return [atomText(e)];
    const flat = this.flat(e);
    if (flat !== null && col + flat.length + closers <= WIDTH) return [flat];
    return this.broken(e, col, closers, topLevel);
  }

  private broken(list: SList, col: number, closers: number, topLevel: boolean): string[] {
    const items = list.items;
    const inner = col + INDENT;
    const pad = " ".repeat(inner);
    const out: string[] = [];

    // the first line: '(' and the head items
    const headCount = this.headCount(list, col, closers, topLevel);
    let first = "(";
    let lineCol = col + 1;
    let prevEnd = list.range.start + 1;
    // only the first head item can take several lines: headCount keeps
    // further items off the first line unless they print flat
    let rest: string[] = [];
    for (let i = 0; i < headCount; i++) {
      const item = items[i]!;
      if (i > 0) {
        first += " ";
        lineCol++;
      }
      const r = this.render(item, lineCol, i === items.length - 1 ? closers + 1 : 0);
      first += r[0];
      if (r.length > 1) rest = r.slice(1);
      lineCol += r[0]!.length;
      prevEnd = item.range.end;
    }
    out.push(first, ...rest);

    // the rest: a line per group
    const groups = this.groups(list, headCount, topLevel);
    for (let k = 0; k < groups.length; k++) {
      const g = groups[k]!;
      const start = g.items[0]!.range.start;
      this.commentsBefore(start, prevEnd, out, pad);
      const lines = this.renderGroup(g, inner, k === groups.length - 1 ? closers + 1 : 0);
      out.push(pad + lines[0]!);
      for (let i = 1; i < lines.length; i++) out.push(lines[i]!);
      prevEnd = g.items[g.items.length - 1]!.range.end;
    }

    // comments after the last item, then ')'
    const closeAt = list.closed ? list.range.end - 1 : list.range.end;
    this.commentsBefore(closeAt, prevEnd, out, pad);
    const last = out[out.length - 1]!;
    if (this.endsWithComment(last)) out.push(" ".repeat(col) + ")");
    else out[out.length - 1] = last + ")";
    return out;
  }

  /** How many items stay on the first line of a broken list. */
  private headCount(list: SList, col: number, closers: number, topLevel: boolean): number {
    const items = list.items;
    if (items.length === 0) return 0;
    if (this.commentIn(list.range.start + 1, items[0]!.range.start)) return 0;
    const head = items[0]!;
    let wanted = 1;
    if (head.kind === "atom" && head.token === "symbol") {
      if (topLevel && NAMED_FORMS.has(head.text)) wanted = 2;
      else if (!topLevel && (head.text === "forall" || head.text === "exists")) wanted = 2;
      else if (!topLevel) {
        // leading keyword options stay with the operator: (eventually :within 5s
        let i = 1;
        while (i < items.length && isKeyword(items[i])) {
          const n = Math.min(optionArity((items[i] as SAtom).text.slice(1)), valuesAfter(items, i));
          i += 1 + n;
        }
        wanted = i;
      }
    }
    // keep only items that print flat, with no comment before them, within the width
    let count = 1;
    let width = col + 1 + (this.flat(head)?.length ?? 0);
    if (head.kind === "list" && this.flat(head) === null) return 1;
    while (count < wanted && count < items.length) {
      const item = items[count]!;
      const f = this.flat(item);
      if (f === null || this.commentIn(items[count - 1]!.range.end, item.range.start)) break;
      if (width + 1 + f.length + (count === items.length - 1 ? closers + 1 : 0) > WIDTH) break;
      width += 1 + f.length;
      count++;
    }
    // keyword options split from their values would read wrongly: back off to a whole option
    if (!topLevel && count > 1 && count < wanted) {
      let i = 1;
      let whole = 1;
      while (i < count) {
        const n = Math.min(optionArity((items[i] as SAtom).text.slice(1)), valuesAfter(items, i));
        if (i + 1 + n > count) break;
        i += 1 + n;
        whole = i;
      }
      count = whole;
    }
    return count;
  }

  /** Splits the items after the head into groups: a keyword takes its values along. */
  private groups(list: SList, from: number, topLevel: boolean): Group[] {
    const items = list.items;
    const head = items[0];
    const headName = head !== undefined && head.kind === "atom" ? head.text : "";
    const groups: Group[] = [];
    let i = from;
    while (i < items.length) {
      const item = items[i]!;
      if (isKeyword(item)) {
        const keyword = (item as SAtom).text.slice(1);
        let arity: number;
        if (topLevel) arity = headName === "type" && keyword === "attrs" ? Infinity : 1;
        else arity = optionArity(keyword);
        const n = Math.min(arity, valuesAfter(items, i));
        groups.push({ items: items.slice(i, i + 1 + n) });
        i += 1 + n;
      } else {
        groups.push({ items: [item] });
        i++;
      }
    }
    return groups;
  }

  private renderGroup(g: Group, col: number, closers: number): string[] {
    if (g.items.length === 1) return this.render(g.items[0]!, col, closers);
    // a keyword and its values: on one line if they fit and hold no comment
    const parts: string[] = [];
    let ok = true;
    for (let i = 0; i < g.items.length && ok; i++) {
      const e = g.items[i]!;
      const f = e.kind === "atom" ? atomText(e) : this.flat(e);
      if (f === null || (i > 0 && this.commentIn(g.items[i - 1]!.range.end, e.range.start))) ok = false;
      else parts.push(f);
    }
    if (ok) {
      const line = parts.join(" ");
      if (col + line.length + closers <= WIDTH) return [line];
    }
    // the keyword alone, then each value on its own line
    const pad = " ".repeat(col);
    const out = [atomText(g.items[0] as SAtom)];
    let prevEnd = g.items[0]!.range.end;
    for (let i = 1; i < g.items.length; i++) {
      const e = g.items[i]!;
      this.commentsBefore(e.range.start, prevEnd, out, pad);
      const r = this.render(e, col, i === g.items.length - 1 ? closers : 0);
      out.push(pad + r[0]!);
      for (let k = 1; k < r.length; k++) out.push(r[k]!);
      prevEnd = e.range.end;
    }
    return out;
  }

  /**
   * Prints the comments that lie before `limit`: one on the same line as the
   * code before it is appended to the last line, others get lines of their own.
   */
  private commentsBefore(limit: number, prevEnd: number, out: string[], pad: string): void {
    while (this.next < this.comments.length && this.comments[this.next]!.range.start < limit) {
      const c = this.comments[this.next++]!;
      if (!this.newlineBetween(prevEnd, c.range.start) && !this.endsWithComment(out[out.length - 1]!)) {
        out[out.length - 1] += " " + c.text;
      } else {
        out.push(pad + c.text);
      }
      prevEnd = c.range.end;
    }
  }

  // ---- helpers -----------------------------------------------------------------------

  /** The one-line form of `e`, or null when it holds a comment. */
  private flat(e: SExpr): string | null {
    if (e.kind === "atom") return atomText(e);
    const cached = this.flatCache.get(e);
    if (cached !== undefined) return cached;
    let result: string | null = null;
    if (!this.commentIn(e.range.start, e.range.end)) {
      const parts: string[] = [];
      for (const item of e.items) parts.push(this.flat(item)!);
      result = "(" + parts.join(" ") + ")";
    }
    this.flatCache.set(e, result);
    return result;
  }

  /** Whether a comment starts in [start, end). */
  private commentIn(start: number, end: number): boolean {
    const cs = this.comments;
    let lo = 0;
    let hi = cs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cs[mid]!.range.start < start) lo = mid + 1;
      else hi = mid;
    }
    return lo < cs.length && cs[lo]!.range.start < end;
  }

  private newlineBetween(start: number, end: number): boolean {
    for (let i = start; i < end; i++) {
      const c = this.text.charCodeAt(i);
      if (c === 10 || c === 13) return true;
    }
    return false;
  }

  private blankLineBetween(start: number, end: number): boolean {
    let newlines = 0;
    for (let i = start; i < end; i++) {
      const c = this.text.charCodeAt(i);
      if (c === 10) newlines++;
      else if (c === 13 && this.text.charCodeAt(i + 1) !== 10) newlines++;
      if (newlines >= 2) return true;
    }
    return false;
  }

  /** Whether a printed line ends in a comment (so nothing may follow on it). */
  private endsWithComment(line: string): boolean {
    // Lines are built from atoms and comments; a comment is the only place a
    // ';' can appear outside a string, so look for one outside strings.
    let inString = false;
    for (let i = 0; i < line.length; i++) {
      const c = line.charCodeAt(i);
      if (inString) {
        if (c === 92) i++;
        else if (c === 34) inString = false;
      } else if (c === 34) inString = true;
      else if (c === 59) return true;
    }
    return false;
  }
}

function atomText(a: SAtom): string {
  return a.token === "quoted" ? "'" + quotedName(a.text) : a.text;
}


/** How many non-keyword items follow items[i]. */
function valuesAfter(items: readonly SExpr[], i: number): number {
  let n = 0;
  while (i + 1 + n < items.length && !isKeyword(items[i + 1 + n])) n++;
  return n;
}
