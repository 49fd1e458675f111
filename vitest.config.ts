import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["{language,runtime,server,extension,grammar,tools}/test/**/*.test.ts"],
    testTimeout: 30_000,
  },
});
