// craft's Node runtime: trace readers, the check runner and reports.

export { openTrace, readTraceFile, readTraceText, TraceError, type TraceStream, type ReadTraceOptions } from "./trace/jsonl-reader.js";
export { checkTrace, type CheckRunOptions, type TraceResult } from "./check/check-runner.js";
export { readConstraintFile, constraintFileFromText, checkConstraintFile, renderDiagnostic, type ConstraintFile, type CheckedFile } from "./check/constraint-file.js";
export { jsonReport, type CraftReport } from "./report/json-report.js";
export { textReport } from "./report/text-report.js";
export { InputError } from "./input-error.js";
export { seedJsonToCraft, readSeedConstraints, isSeedJsonPath } from "./import/seed-constraints.js";
