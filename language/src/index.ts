// The embeddable API of craft's language core:
//   parse → check → compile → evaluate (or Monitor, frame by frame) → explain.

export { parse, parseExpression, type ParseResult } from "./syntax/parse.js";
export type * from "./syntax/ast.js";
export { LineIndex, type Range, type Position } from "./syntax/source.js";
export { walkExpr, visitCalls } from "./syntax/walk.js";
export { format } from "./format/formatter.js";

export { check, snakeCase, type CheckOptions, type CheckedProgram, type NameInfo, type NameBinding, type Reference } from "./check/checker.js";
export { parseAndCheck, type ParsedAndChecked } from "./check/parse-and-check.js";
export type { Diagnostic, DiagnosticSeverity } from "./check/diagnostics.js";
export { hasErrors } from "./check/diagnostics.js";
export { ai2thorSchema, ai2thorCapabilities } from "./check/ai2thor-schema.js";
export { extendSchema, findTypeByName, normalizeTypeKey, type Schema, type ObjectTypeInfo } from "./check/schema.js";
export { builtins, statePredicateFields, type Builtin } from "./check/builtins.js";
export { PredicateRegistry, type ExtensionPredicate, type ExtensionArg, type ExtensionResult, type ExtensionFrameContext } from "./check/registry.js";
export { signatureToString, type Signature, type ParamSpec, type OptionSpec } from "./check/signature.js";
export * as types from "./check/types.js";
export type { Type } from "./check/types.js";
export { VocabularyBuilder, type TraceVocabulary } from "./check/vocabulary.js";
export { didYouMean } from "./check/suggest.js";

export { compile, type CompiledProgram, type CompileOptions } from "./compile/compiler.js";

export type * from "./eval/frame.js";
export type { AtomTrace, AtomSource } from "./eval/atom-trace.js";
export { Monitor, DEFAULT_THRESHOLD, type MonitorOptions } from "./eval/monitor.js";
export { evaluate } from "./eval/evaluate.js";
export { summarize, hasHardViolation, emptySummary, type Verdict, type TraceReport, type Summary } from "./eval/verdict.js";
export type { Aggregation, Status } from "./eval/truth.js";
export { describeAction } from "./explain/reason.js";
