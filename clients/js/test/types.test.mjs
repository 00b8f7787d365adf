// index.d.ts against TypeScript (strict): the README's example, as a front end would write it,
// type-checks against the package's own types (the file imports the package by its name).
import test from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

test("the README example type-checks against index.d.ts under strict TypeScript", () => {
  const readme = readFileSync(path.join(root, "README.md"), "utf8");
  const example = /## Example\n\n```js\n([\s\S]*?)```/.exec(readme)?.[1];
  assert.ok(example, "README.md has no example");
  // Inside the package folder, so that "@cinemasync/client" resolves to this package through its exports.
  const dir = mkdtempSync(path.join(root, ".types-check-"));
  try {
    writeFileSync(path.join(dir, "example.ts"), `${example}\nexport {};\n`);
    writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({
      compilerOptions: { target: "es2022", module: "nodenext", moduleResolution: "nodenext", strict: true, noEmit: true, lib: ["es2022", "dom"], types: [] },
      files: ["example.ts"],
    }));
    const tsc = path.join(root, "node_modules", "typescript", "bin", "tsc");
    try {
      execFileSync(process.execPath, [tsc, "-p", dir], { cwd: root, encoding: "utf8" });
    } catch (err) {
      assert.fail(`tsc found errors:\n${err.stdout}${err.stderr}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
