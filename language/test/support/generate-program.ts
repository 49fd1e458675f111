// A deterministic generator of large, varied, valid .craft files, for
// benchmarks and tests (parse, check, evaluate). The same n gives the same text.

const OBJECTS = ["mug", "coffee_machine", "sink", "countertop", "kettle", "stove_burner", "microwave", "fridge", "apple", "knife"];
const ACTIONS = ["PutObject", "PickupObject", "OpenObject", "CloseObject", "ToggleObjectOn", "SliceObject"];
const ATTRS = ["isOpen", "isDirty", "isToggled", "isFilledWithLiquid", "isSliced", "isPickedUp"];
const RELATIONS = ["inside", "on_top_of", "near", "holding"];
const STATES = ["is_open", "is_on", "dirty", "filled", "cooked", "sliced", "broken", "picked_up", "visible"];
const TYPES = ["pre", "post", "invariant", "goal", "causal"];

/** A small linear congruential generator, so output does not depend on Math.random. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/** `n` constraints (about 100 bytes each, so 5,000 make about 0.5 MB), preceded by a task and a few objects and defines. */
export function generateConstraintFile(n: number, seed = 1): string {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const obj = () => pick(OBJECTS);

  const atom = (): string => {
    switch (Math.floor(r() * 6)) {
      case 0:
        return `(eq ${obj()}.${pick(ATTRS)} ${r() < 0.5 ? "true" : "false"})`;
      case 1:
        return `(${pick(RELATIONS)} ${obj()} ${obj()})`;
      case 2:
        return `(${pick(STATES)} ${obj()})`;
      case 3:
        return `(< (distance ${obj()} ${obj()}) ${(r() * 2).toFixed(2)})`;
      case 4:
        return `(eq ${obj()}.state 'open')`;
      default:
        return `(clean ${obj()})`;
    }
  };
  const formula = (depth: number): string => {
    if (depth === 0) return atom();
    switch (Math.floor(r() * 7)) {
      case 0:
        return `(and ${formula(depth - 1)} ${formula(depth - 1)} ${atom()})`;
      case 1:
        return `(or ${formula(depth - 1)} ${atom()})`;
      case 2:
        return `(not ${formula(depth - 1)})`;
      case 3:
        return `(implies ${atom()} ${formula(depth - 1)})`;
      case 4:
        return `(eventually :within ${1 + Math.floor(r() * 9)}s ${formula(depth - 1)})`;
      case 5:
        return `(forall (x Mug) (or (not (inside x sink)) ${atom()}))`;
      default:
        return `(once :between 3 10 ${atom()})`;
    }
  };

  const out: string[] = [
    '; generated for benchmarks\n(task make_coffee :instruction "make a cup of coffee" :goal "a clean mug filled with coffee is on the countertop")\n',
  ];
  for (const o of OBJECTS) out.push(`(object ${o})\n`);
  out.push("(define (clean x) (not x.isDirty))\n\n");
  for (let i = 0; i < n; i++) {
    const type = pick(TYPES);
    const parts = [`(constraint C${i} :type ${type}`];
    if (r() < 0.3) parts.push(` :severity ${r() < 0.5 ? "hard" : "soft"}`);
    if (type === "pre" || type === "post") parts.push(` :action (${pick(ACTIONS)} ${obj()} ${r() < 0.3 ? "_" : obj()})`);
    if (r() < 0.25) parts.push(`\n  :description "keep the ${obj()} safe"`);
    parts.push(`\n  ${formula(Math.floor(r() * 2.2))})\n`);
    out.push(parts.join(""));
  }
  return out.join("");
}
