// Puts the watch page's browser libraries into wwwroot/lib (run by the MSBuild target
// BundleClientLibraries after `npm ci` here and in clients/js):
// - cinemasync-client.js: the @cinemasync/client package (clients/js) with @microsoft/signalr,
//   bundled by esbuild into one ES module, so the page imports it like any other module;
// - the Firebase app and Auth modules: the package's prebuilt browser ES modules (the files
//   Firebase serves from its CDN); the Auth module imports the app module by its CDN URL, which
//   is rewritten to the copy beside it.
// The page loads nothing from a CDN. Fails loudly when a file or that import is missing.
//
//   node copy-libs.mjs <destination folder>
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const destination = process.argv[2];
if (!destination) {
  console.error("usage: node copy-libs.mjs <destination folder>");
  process.exit(2);
}
mkdirSync(destination, { recursive: true });
const here = path.dirname(new URL(import.meta.url).pathname);
const modules = path.join(here, "node_modules");

const { build } = await import("esbuild");
await build({
  stdin: { contents: 'export * from "@cinemasync/client";', resolveDir: here, sourcefile: "cinemasync-client.js" },
  bundle: true,
  format: "esm",
  platform: "browser",
  target: "es2022",
  outfile: path.join(destination, "cinemasync-client.js"),
  legalComments: "inline",
  logLevel: "warning",
});

const firebase = path.join(modules, "firebase");
const { version } = createRequire(import.meta.url)(path.join(firebase, "package.json"));
// Without source maps: the copied files' sourceMappingURL comments would point at files not served.
const withoutSourceMap = text => text.replace(/\n\/\/# sourceMappingURL=\S+\s*$/, "\n");
writeFileSync(path.join(destination, "firebase-app.js"), withoutSourceMap(readFileSync(path.join(firebase, "firebase-app.js"), "utf8")));
const cdnApp = `"https://www.gstatic.com/firebasejs/${version}/firebase-app.js"`;
const auth = readFileSync(path.join(firebase, "firebase-auth.js"), "utf8");
const imports = auth.split(cdnApp).length - 1;
if (imports !== 1) {
  console.error(`copy-libs: expected firebase-auth.js ${version} to import ${cdnApp} once, found ${imports}; check the Firebase package's layout.`);
  process.exit(1);
}
const rewritten = withoutSourceMap(auth.replace(cdnApp, '"./firebase-app.js"'));
if (rewritten.includes("https://www.gstatic.com/firebasejs/")) {
  console.error("copy-libs: firebase-auth.js still refers to another module on the Firebase CDN.");
  process.exit(1);
}
writeFileSync(path.join(destination, "firebase-auth.js"), rewritten);
console.log(`copy-libs: cinemasync-client.js, firebase-app.js and firebase-auth.js (firebase ${version}) → ${destination}`);
