// `npm run test:loaded`: runs `npm test` while two busy processes hold both cores, as a shared CI
// machine would; a test that leans on timing fails here. Exits with npm test's code.
import { spawn } from "node:child_process";
import os from "node:os";

const SPINNERS = 2;
const started = Date.now();

// Each spinner also stops by itself once this script is gone (its parent changes), even after a SIGKILL.
const spin = `const parent = ${process.pid}; for (let i = 1; ; i++) if ((i & 0xfffff) === 0 && process.ppid !== parent) process.exit(0);`;
const spinners = Array.from({ length: SPINNERS }, () => spawn(process.execPath, ["-e", spin], { stdio: "ignore" }));
const stopSpinners = () => {
  for (const spinner of spinners) if (spinner.exitCode === null && spinner.signalCode === null) spinner.kill("SIGKILL");
};
process.on("exit", stopSpinners);

const test = spawn(process.platform === "win32" ? "npm.cmd" : "npm", ["test"], { stdio: "inherit" });
// Ctrl-C or a CI cancel reaches npm test; the spinners go at once, the script when npm test has ended.
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => {
    stopSpinners();
    test.kill(signal);
  });
}
test.on("error", (error) => {
  console.error(`test:loaded: could not start npm test: ${error.message}`);
  process.exit(1);
});
test.on("exit", (code, signal) => {
  stopSpinners();
  const seconds = Math.round((Date.now() - started) / 1000);
  console.log(
    `test:loaded: npm test ${code === 0 ? "passed" : "failed"} with ${SPINNERS} busy processes on ${os.availableParallelism()} cores in ${seconds} s`,
  );
  process.exit(code ?? 128 + (os.constants.signals[signal] ?? 0));
});
