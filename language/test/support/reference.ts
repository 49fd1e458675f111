// A naive reference evaluator for temporal formulas over signal traces:
// every operator by its definition, quadratic and obviously right. Property
// tests compare the monitor against it.

export type Val = "T" | "F" | "U";

export type Formula =
  | { op: "sig"; name: string }
  | { op: "not"; a: Formula }
  | { op: "and" | "or"; a: Formula; b: Formula }
  | { op: "prev" | "next"; a: Formula }
  | { op: "once" | "historically" | "eventually" | "always"; a: Formula; lo: number; hi: number }
  | { op: "since" | "until"; a: Formula; b: Formula; lo: number; hi: number }
  | { op: "before"; a: Formula; b: Formula };

export type SignalTrace = Record<string, boolean | undefined>[];

const and2 = (x: Val, y: Val): Val => (x === "F" || y === "F" ? "F" : x === "U" || y === "U" ? "U" : "T");
const or2 = (x: Val, y: Val): Val => (x === "T" || y === "T" ? "T" : x === "U" || y === "U" ? "U" : "F");
const andAll = (vs: Val[]): Val => vs.reduce(and2, "T");
const orAll = (vs: Val[]): Val => vs.reduce(or2, "F");

export function refEval(f: Formula, trace: SignalTrace, j: number): Val {
  const n = trace.length;
  const at = (g: Formula, i: number) => refEval(g, trace, i);
  const range = (from: number, to: number) => {
    const out: number[] = [];
    for (let i = Math.max(0, from); i <= Math.min(n - 1, to); i++) out.push(i);
    return out;
  };
  switch (f.op) {
    case "sig": {
      const v = trace[j]![f.name];
      return v === undefined ? "U" : v ? "T" : "F";
    }
    case "not": {
      const v = at(f.a, j);
      return v === "T" ? "F" : v === "F" ? "T" : "U";
    }
    case "and":
      return and2(at(f.a, j), at(f.b, j));
    case "or":
      return or2(at(f.a, j), at(f.b, j));
    case "prev":
      return j === 0 ? "F" : at(f.a, j - 1);
    case "next":
      return j === n - 1 ? "F" : at(f.a, j + 1);
    case "once":
      return orAll(range(j - f.hi, j - f.lo).map((i) => at(f.a, i)));
    case "historically":
      return andAll(range(j - f.hi, j - f.lo).map((i) => at(f.a, i)));
    case "eventually":
      return orAll(range(j + f.lo, j + f.hi).map((i) => at(f.a, i)));
    case "always":
      return andAll(range(j + f.lo, j + f.hi).map((i) => at(f.a, i)));
    case "since":
      return orAll(range(j - f.hi, j - f.lo).map((i) => and2(at(f.b, i), andAll(range(i + 1, j).map((m) => at(f.a, m))))));
    case "until":
      return orAll(range(j + f.lo, j + f.hi).map((i) => and2(at(f.b, i), andAll(range(j, i - 1).map((m) => at(f.a, m))))));
    case "before": {
      // b has not held yet, or a held strictly before b first held
      let bFirst = -1;
      let bMaybe = false;
      for (let i = 0; i <= j; i++) {
        const b = at(f.b, i);
        if (b === "T") {
          bFirst = i;
          break;
        }
        if (b === "U") bMaybe = true;
      }
      const aLimit = bFirst === -1 ? j : bFirst - 1;
      for (let i = 0; i <= aLimit; i++) if (at(f.a, i) === "T") return "T";
      if (bFirst !== -1) return "F";
      return bMaybe ? "U" : "T";
    }
  }
}

function windowText(lo: number, hi: number): string {
  if (hi === Infinity) return lo === 0 ? "" : `:from ${lo} `;
  return lo === 0 ? `:within ${hi} ` : `:between ${lo} ${hi} `;
}

/** The formula in craft syntax. */
export function toCraft(f: Formula): string {
  switch (f.op) {
    case "sig":
      return f.name;
    case "not":
    case "prev":
    case "next":
      return `(${f.op} ${toCraft(f.a)})`;
    case "and":
    case "or":
    case "before":
      return `(${f.op} ${toCraft(f.a)} ${toCraft(f.b)})`;
    case "once":
    case "historically":
    case "eventually":
    case "always":
      return `(${f.op} ${windowText(f.lo, f.hi)}${toCraft(f.a)})`;
    case "since":
    case "until":
      return `(${f.op} ${windowText(f.lo, f.hi)}${toCraft(f.a)} ${toCraft(f.b)})`;
  }
}
