// Renders TeX to HTML with KaTeX for hooks/katex.py: one process per build.
// Reads one JSON request per line ({"tex": "...", "display": true}) and
// writes one JSON reply per line ({"html": "..."} or {"error": "..."}).
import { createInterface } from "node:readline";
import katex from "katex";

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
  const { tex, display } = JSON.parse(line);
  let reply;
  try {
    reply = { html: katex.renderToString(tex, { displayMode: display, throwOnError: true, strict: "error", trust: false }) };
  } catch (error) {
    reply = { error: String(error.message ?? error) };
  }
  process.stdout.write(JSON.stringify(reply) + "\n");
}
