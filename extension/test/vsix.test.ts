// `npm run package` in extension/ builds and packs craft-vscode.vsix with
// vsce; the .vsix (a zip) must hold the bundled client and server, the
// grammar and the language configuration, and nothing else.
//
// Needs the language server's bundle (server/dist/craft-ls.mjs, from
// `npm run build` at the root); without it the packaging tests are skipped.

import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { inflateRawSync } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";

const extensionDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const repoRoot = join(extensionDir, "..");
// build.mjs ships CRAFT_SERVER_BUNDLE instead when it is set
const serverBundle = process.env.CRAFT_SERVER_BUNDLE || join(repoRoot, "server", "dist", "craft-ls.mjs");
const vsixPath = join(extensionDir, "craft-vscode.vsix");
const hasServer = existsSync(serverBundle);
if (!hasServer) {
  console.warn(`extension/test/vsix.test.ts: packaging tests skipped: ${serverBundle} does not exist; run \`npm run build\` at the root first.`);
}

// ---- a zip reader: enough of the format for what vsce writes ----------------------

interface ZipEntry {
  readonly name: string;
  readonly method: number;
  readonly compressedSize: number;
  readonly localHeaderOffset: number;
}

/** The entries of a zip's central directory. */
function zipEntries(zip: Buffer): ZipEntry[] {
  // the end-of-central-directory record: signature 0x06054b50, within the last 64 KiB + 22 bytes
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error("not a zip: no end of central directory");
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const entries: ZipEntry[] = [];
  for (let k = 0; k < count; k++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error(`bad central directory entry at ${at}`);
    const method = zip.readUInt16LE(at + 10);
    const compressedSize = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const localHeaderOffset = zip.readUInt32LE(at + 42);
    const name = zip.toString("utf8", at + 46, at + 46 + nameLength);
    entries.push({ name, method, compressedSize, localHeaderOffset });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** The uncompressed bytes of one entry (stored or deflated). */
function zipRead(zip: Buffer, entry: ZipEntry): Buffer {
  const at = entry.localHeaderOffset;
  if (zip.readUInt32LE(at) !== 0x04034b50) throw new Error(`bad local header for ${entry.name}`);
  const start = at + 30 + zip.readUInt16LE(at + 26) + zip.readUInt16LE(at + 28);
  const data = zip.subarray(start, start + entry.compressedSize);
  if (entry.method === 0) return Buffer.from(data);
  if (entry.method === 8) return inflateRawSync(data);
  throw new Error(`${entry.name}: unsupported compression method ${entry.method}`);
}

// ---- the tests ---------------------------------------------------------------------

const required = [
  "extension/package.json",
  "extension/dist/extension.cjs",
  "extension/dist/craft-ls.mjs",
  "extension/syntaxes/craft.tmLanguage.json",
  "extension/language-configuration.json",
];

describe.skipIf(!hasServer)(
  hasServer ? "npm run package (extension/)" : "npm run package (SKIPPED: server/dist/craft-ls.mjs is missing; run `npm run build` at the root first)",
  () => {
    let zip: Buffer;
    let entries: ZipEntry[];
    const read = (name: string): Buffer => {
      const entry = entries.find((e) => e.name === name);
      if (entry === undefined) throw new Error(`${name} is not in the .vsix`);
      return zipRead(zip, entry);
    };

    beforeAll(() => {
      execFileSync("npm", ["run", "package"], { cwd: extensionDir, stdio: "pipe", encoding: "utf8" });
      zip = readFileSync(vsixPath);
      entries = zipEntries(zip);
    }, 180_000);

    it("the .vsix holds the client and server bundles, the grammar and the language configuration", () => {
      const names = entries.map((e) => e.name);
      for (const name of required) expect(names, name).toContain(name);
      expect(names).toContain("extension.vsixmanifest");
    });

    it("and nothing else (no sources, tests, node_modules or build scripts)", () => {
      const allowed = new Set([
        ...required,
        "extension.vsixmanifest",
        "[Content_Types].xml",
        "extension/readme.md",
        "extension/LICENSE.txt",
        "extension/dist/THIRD-PARTY-NOTICES.txt",
      ]);
      const extra = entries.map((e) => e.name).filter((n) => !allowed.has(n));
      expect(extra).toEqual([]);
    });

    it("the manifest inside declares the language, the grammar and both commands", () => {
      const manifest = JSON.parse(read("extension/package.json").toString("utf8")) as {
        name: string;
        main: string;
        contributes: {
          languages: { id: string; extensions: string[]; configuration: string }[];
          grammars: { language: string; scopeName: string; path: string }[];
          commands: { command: string }[];
        };
      };
      expect(manifest.name).toBe("craft-vscode");
      expect(manifest.main).toBe("./dist/extension.cjs");
      expect(manifest.contributes.languages).toContainEqual(
        expect.objectContaining({ id: "craft", extensions: [".craft"], configuration: "./language-configuration.json" }),
      );
      expect(manifest.contributes.grammars).toContainEqual({
        language: "craft",
        scopeName: "source.craft",
        path: "./syntaxes/craft.tmLanguage.json",
      });
      const commands = manifest.contributes.commands.map((c) => c.command);
      expect(commands).toContain("craft.checkAgainstTrace");
      expect(commands).toContain("craft.showReport");
    });

    it("ships the current server bundle, grammar and language configuration", () => {
      expect(read("extension/dist/craft-ls.mjs").equals(readFileSync(serverBundle))).toBe(true);
      expect(read("extension/syntaxes/craft.tmLanguage.json").equals(readFileSync(join(repoRoot, "grammar", "craft.tmLanguage.json")))).toBe(true);
      expect(
        read("extension/language-configuration.json").equals(readFileSync(join(repoRoot, "grammar", "language-configuration.json"))),
      ).toBe(true);
    });

    it("the client bundle loads with `vscode` external and exports activate and deactivate", () => {
      const bundle = join(extensionDir, "dist", "extension.cjs");
      expect(read("extension/dist/extension.cjs").equals(readFileSync(bundle))).toBe(true);
      // load it in a fresh Node with a stand-in for the `vscode` module
      const script = [
        "const Module = require('node:module');",
        "const load = Module._load;",
        "const asked = [];",
        // every member of the stand-in is a class, which is all the bundle needs while it loads
        "const stub = new Proxy({}, { get: (t, p) => (p === '__esModule' ? false : (t[p] ??= class {})) });",
        "Module._load = function (request, ...rest) { if (request === 'vscode') { asked.push(request); return stub; } return load.call(this, request, ...rest); };",
        `const ext = require(${JSON.stringify(bundle)});`,
        "console.log(JSON.stringify({ activate: typeof ext.activate, deactivate: typeof ext.deactivate, vscode: asked.length > 0 }));",
      ].join("\n");
      const out = execFileSync(process.execPath, ["-e", script], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
      expect(JSON.parse(out)).toEqual({ activate: "function", deactivate: "function", vscode: true });
    });
  },
);
