// Starts `userevents serve` (cmd/userevents) on a free loopback port. The store is
// memory, or the PostgreSQL URL in USEREVENTS_STORE (each test file then needs a fresh
// schema: .ci/run gives one through search_path).
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createInterface } from "node:readline";

const repo = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
let binary;

// build compiles cmd/userevents once per test process.
function build() {
  if (!binary) {
    binary = join(mkdtempSync(join(tmpdir(), "userevents-interop-")), "userevents");
    execFileSync("go", ["build", "-o", binary, "."], { cwd: join(repo, "cmd", "userevents"), stdio: "inherit" });
  }
  return binary;
}

// start runs the server with the given API key (through the environment, as an
// operator would) and level, and resolves to { baseUrl, stop }.
export async function start({ apiKey, level = "strict" }) {
  const store = process.env.USEREVENTS_STORE || "memory";
  const child = spawn(build(), ["serve", "--addr", "127.0.0.1:0", "--level", level, "--store", store], {
    stdio: ["ignore", "inherit", "pipe"],
    env: { ...process.env, USEREVENTS_API_KEY: apiKey },
  });
  const lines = createInterface({ input: child.stderr });
  const baseUrl = await new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`server exited with ${code}`)));
    lines.on("line", (line) => {
      const m = /^listening on (\S+)$/.exec(line);
      if (m) resolve(`http://${m[1]}`);
      else if (!line.startsWith("{")) process.stderr.write(line + "\n"); // not the access log
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
