// The human-readable report: per trace, violations first (each with step,
// confidence, reason and atom trace), then uncertain verdicts, then one line
// per constraint that held.

import { styleText } from "node:util";
import type { TraceResult } from "../check/check-runner.js";
import type { Episode } from "../check/result-collector.js";

type Style = Parameters<typeof styleText>[0];

export interface TextReportOptions {
  readonly color: boolean;
  /** also list every satisfied verdict, not just a line per constraint */
  readonly verbose?: boolean;
  /** print each violation's causal chain and repair hint */
  readonly explain?: boolean;
}

export function textReport(traces: readonly TraceResult[], options: TextReportOptions): string {
  const paint = (style: Style, s: string) => (options.color ? styleText(style, s) : s);
  const out: string[] = [];
  for (const t of traces) {
    out.push(paint("bold", `${t.trace}`) + paint("dim", ` (${t.frames} frame${t.frames === 1 ? "" : "s"})`));
    // failures as episodes: from the collector, or one per verdict when every verdict was kept
    const episodes: Episode[] = t.episodes.length > 0 || t.results.length === 0 ? [...t.episodes] : t.results.map((r) => ({ first: r, lastStep: r.step, count: 1, minConfidence: r.confidence }));
    const of = (status: string, severity?: string) => episodes.filter((e) => e.first.status === status && (severity === undefined || e.first.severity === severity));
    const explain = options.explain ?? false;
    for (const e of of("VIOLATED", "hard")) out.push(...episodeLines(e, paint, "red", explain));
    for (const e of of("VIOLATED", "soft")) out.push(...episodeLines(e, paint, "yellow", explain));
    for (const e of of("UNCERTAIN")) out.push(...episodeLines(e, paint, "yellow", explain));
    out.push(...satisfiedLines(t, paint, options.verbose ?? false));
    for (const r of t.results.filter((x) => x.status === "SKIP")) out.push(`  ${paint("dim", "SKIP     ")} ${r.id} ${r.type}: ${r.reason}`);
    const s = t.summary;
    out.push(
      `  ${paint("bold", "summary:")} ${s.VIOLATED} violated, ${s.UNCERTAIN} uncertain, ${s.SATISFIED} satisfied, ${s.SKIP} skipped`,
      "",
    );
  }
  return out.join("\n");
}

function episodeLines(e: Episode, paint: (s: Style, t: string) => string, style: Style, explain: boolean): string[] {
  const r = e.first;
  const where = r.step === null ? "" : e.count > 1 ? ` at steps ${r.step}–${e.lastStep} (${e.count} steps)` : ` at step ${r.step}`;
  const action = r.action && e.count === 1 ? ` ${r.action}` : "";
  const confidence = e.count > 1 && e.minConfidence !== r.confidence ? `confidence ${e.minConfidence}–${r.confidence}` : `confidence ${r.confidence}`;
  const lines = [
    `  ${paint(style, r.status.padEnd(9))} ${paint("bold", r.id)} ${r.type} ${r.severity}${where}${action}, ${confidence}`,
    `            ${r.reason}`,
  ];
  for (const a of r.atoms) {
    const value = a.value === null ? "unknown" : String(a.value);
    lines.push(paint("dim", `            ${a.expr} = ${value} (confidence ${a.confidence}, ${a.source}): ${a.reason}`));
  }
  if (explain && r.explanation) {
    for (const c of r.explanation.causes) lines.push(`            ${paint("bold", "why:")} ${c.text}`);
    lines.push(`            ${paint("bold", "hint:")} ${r.explanation.hint}`);
  }
  return lines;
}

/** One line per constraint that held somewhere, with how often and how surely. */
function satisfiedLines(t: TraceResult, paint: (s: Style, t: string) => string, verbose: boolean): string[] {
  const lines: string[] = [];
  for (const s of t.satisfied.values()) {
    if (s.count === 0) continue;
    const steps = s.applied === 1 ? `step ${s.firstStep}` : `${s.count} of ${s.applied} steps`;
    lines.push(`  ${paint("green", "SATISFIED")} ${s.id} ${s.type} ${s.severity} at ${steps}, confidence ≥ ${s.minConfidence}`);
    if (verbose) {
      for (const r of t.results) if (r.id === s.id && r.status === "SATISFIED") lines.push(paint("dim", `            step ${r.step}: ${r.reason}`));
    }
  }
  return lines;
}
