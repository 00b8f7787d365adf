// What `npm pack` would publish: the modules, the types and the README, nothing else; and every
// module the package exports is in it.
import test from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

const here = new URL("..", import.meta.url);

test("npm pack holds src/, index.d.ts, README.md and package.json only", () => {
  const [pack] = JSON.parse(execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: here, encoding: "utf8" }));
  const files = pack.files.map(f => f.path).sort();
  assert.ok(files.includes("index.d.ts") && files.includes("README.md") && files.includes("package.json"), files.join(", "));
  const strays = files.filter(f => !f.startsWith("src/") && !["index.d.ts", "README.md", "package.json"].includes(f));
  assert.deepEqual(strays, [], "no tests, live scripts or node_modules in the tarball");
  const pkg = JSON.parse(readFileSync(new URL("package.json", here), "utf8"));
  const entry = pkg.exports["."];
  assert.ok(files.includes(entry.default.replace("./", "")) && files.includes(entry.types.replace("./", "")));
  // Every relative import of the modules is packed too.
  for (const file of files.filter(f => f.endsWith(".js"))) {
    const text = readFileSync(new URL(file, here), "utf8");
    for (const [, target] of text.matchAll(/from "\.\/([^"]+)"/g)) assert.ok(files.includes(`src/${target}`), `${file} imports ${target}`);
  }
});

test("index.d.ts declares every export of the package", async () => {
  const exports = Object.keys(await import("../src/index.js"));
  const types = readFileSync(new URL("index.d.ts", here), "utf8");
  const missing = exports.filter(name => !new RegExp(`export declare (class|function|const) ${name}\\b`).test(types));
  assert.deepEqual(missing, []);
});
