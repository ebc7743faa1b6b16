// Starts the example server built on userevents on a free loopback port.
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createInterface } from "node:readline";

const repo = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
let binary;

// build compiles examples/httpserver once per test process.
function build() {
  if (!binary) {
    binary = join(mkdtempSync(join(tmpdir(), "userevents-interop-")), "httpserver");
    execFileSync("go", ["build", "-o", binary, "./examples/httpserver"], { cwd: repo, stdio: "inherit" });
  }
  return binary;
}

// start runs the server with the given API key and level, and resolves to
// { baseUrl, stop }.
export async function start({ apiKey, level = "strict" }) {
  const child = spawn(build(), ["-addr", "127.0.0.1:0", "-api-key", apiKey, "-level", level], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout });
  const baseUrl = await new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`server exited with ${code}`)));
    lines.once("line", (line) => {
      const m = /^listening on (http:\/\/\S+)$/.exec(line);
      m ? resolve(m[1]) : reject(new Error(`unexpected output: ${line}`));
    });
  });
  return {
    baseUrl,
    stop: () =>
      new Promise((resolve) => {
        child.once("exit", resolve);
        child.kill("SIGTERM");
      }),
  };
}
