#!/usr/bin/env node
// The `craft` command line. Commands return exit statuses; bad input is an
// InputError shown as one message (plus details), never a stack trace.

import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { TraceError } from "../trace/trace-error.js";
import { InputError } from "../input-error.js";
import { runCheck, type CommandIO } from "./check-command.js";

const io: CommandIO = {
  stdout: (t) => void process.stdout.write(t),
  stderr: (t) => void process.stderr.write(t),
  stderrIsTTY: process.stderr.isTTY === true,
  stdoutIsTTY: process.stdout.isTTY === true && !process.env["NO_COLOR"],
};

function threshold(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new InvalidArgumentError("expected a number in [0, 1]");
  return n;
}

function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command("craft")
    .description("craft: check robot task executions against constraints")
    .version("0.1.0")
    .exitOverride()
    .configureOutput({ writeErr: (s) => io.stderr(s) });

  program
    .command("check")
    .description("check traces against constraint files")
    .argument("<files...>", ".craft constraint files and .jsonl traces")
    .option("--json", "print the JSON report (craft_report 1)")
    .option("--threshold <θ>", "confidence needed for SATISFIED/VIOLATED", threshold, 0.7)
    .addOption(new Option("--aggregation <mode>", "confidence aggregation").choices(["kleene", "minmax"]).default("kleene"))
    .option("--shard <k/n>", "check only the k-th of n shares of the traces")
    .option("--model <name=path>", "weights for extension predicates, e.g. physics=model.safetensors (repeatable)", (v: string, acc: string[] = []) => [...acc, v])
    .option("-v, --verbose", "list every satisfied verdict")
    .option("--explain", "print each violation's causal chain and a repair hint")
    .option("--no-color", "plain text output")
    .action(async (files: string[], opts) => {
      setExit(await runCheck(files, { ...opts, color: opts.color === false ? false : undefined }, io));
    });

  program
    .command("import")
    .description("convert the seeds' JSON constraints (id type description condition_expr severity eval_time) to .craft")
    .argument("<files...>", "seed .json constraint files")
    .option("-o, --output <path>", "write to this file (one input) or into this directory")
    .action(async (files: string[], opts: { output?: string }) => {
      const { runImport } = await import("./import-command.js");
      setExit(await runImport(files, opts.output !== undefined ? { output: opts.output } : {}, io));
    });

  const physics = program.command("physics").description("SV physics weights: parameter counts and evaluation");
  for (const sub of ["info", "eval"] as const) {
    const c = physics
      .command(sub)
      .description(sub === "info" ? "parameter count and tensor shapes" : "forces for given positions and velocities, as JSON")
      .requiredOption("--weights <file>", "SV weights (.safetensors, PyTorch state-dict names)");
    if (sub === "eval") c.option("--input <file>", '{"pos":[B][N][3],"vel":[B][N][3]} (standard input when omitted)');
    c.action(async (opts: { weights: string; input?: string }) => {
      const { runPhysics } = await import("./physics-command.js");
      setExit(await runPhysics(sub, opts, io));
    });
  }

  program
    .command("train")
    .description("train models from traces")
    .command("physics")
    .description("train the SV physics network on frame pairs; writes weights with a calibrated plausibility threshold")
    .argument("<traces...>", ".jsonl traces (positions with velocities, or times / a header dt for finite differences)")
    .requiredOption("-o, --output <file>", "the .safetensors file to write")
    .option("--epochs <n>", "most epochs (default 20)", Number)
    .option("--batch-size <n>", "frames per Adam step (default 32)", Number)
    .option("--lr <x>", "Adam's initial learning rate (default 5e-3)", Number)
    .addOption(new Option("--schedule <s>", "learning-rate schedule (default cosine: to 1% of --lr over --epochs)").choices(["cosine", "plateau", "constant"]))
    .option("--hold-out <f>", "fraction held out for early stopping and the threshold (default 0.1)", Number)
    .option("--patience <n>", "epochs without held-out improvement before stopping (default 8)", Number)
    .option("--seed <n>", "seed of the initial weights, split and shuffles (default 0)", Number)
    .option("--warmup-steps <n>", "linear λ_phys warmup in Adam steps (default one epoch's steps)", Number)
    .option("--accel-scale <a0>", "a0 of the normalised error e = |â − a_fd|/(|a_fd| + a0), m/s² (default 1)", Number)
    .option("--threshold-quantile <q>", "quantile of held-out errors that becomes the thresholds (default 1, the largest)", Number)
    .option("--metrics <file>", "per-epoch metrics (default <output>.metrics.jsonl)")
    .action(async (traces: string[], opts: { output: string; epochs?: number; batchSize?: number; lr?: number; schedule?: "cosine" | "plateau" | "constant"; holdOut?: number; patience?: number; seed?: number; warmupSteps?: number; accelScale?: number; thresholdQuantile?: number; metrics?: string }) => {
      const { runTrainPhysics } = await import("./train-command.js");
      const { lr, ...rest } = opts;
      setExit(await runTrainPhysics(traces, { ...rest, ...(lr !== undefined ? { learningRate: lr } : {}) }, io));
    });

  program
    .command("fmt")
    .description("format constraint files")
    .argument("<files...>", ".craft files")
    .option("-w, --write", "rewrite the files in place")
    .option("--check", "list files that are not formatted; exit 1 if any")
    .action(async (files: string[], opts) => {
      const { runFmt } = await import("./fmt-command.js");
      setExit(await runFmt(files, opts, io));
    });
  return program;
}

async function main(argv: string[]): Promise<number> {
  let code = 0;
  const program = buildProgram((c) => (code = c));
  try {
    await program.parseAsync(argv);
    return code;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (error instanceof InputError) {
      io.stderr(`craft: ${error.message}\n${error.details.map((d) => `  ${d}\n`).join("")}`);
      return 2;
    }
    if (error instanceof TraceError) {
      io.stderr(`craft: ${error.message}\n`);
      return 2;
    }
    io.stderr(`craft: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    return 3;
  }
}

process.exitCode = await main(process.argv);
