import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, it } from "vitest";
import { startMeili } from "../../search/meili-process.server";
import { freePort } from "../setup/pg-server";

it("starts Meilisearch with a master key that begins with a dash", async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "qiao-meili-"));
  const meili = await startMeili({ dbPath: dir, port: await freePort(), masterKey: "-MkeyThatLooksLikeAFlag1234567890", env: "production" });
  try {
    const res = await fetch(`${meili.url}/version`, { headers: { Authorization: `Bearer ${meili.masterKey}` } });
    expect(res.status).toBe(200);
    const unauthorised = await fetch(`${meili.url}/version`);
    expect(unauthorised.status).toBe(401);
  } finally {
    await meili.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
