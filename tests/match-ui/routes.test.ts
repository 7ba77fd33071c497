import { beforeAll, describe, expect, it } from "vitest";
import ExcelJS from "exceljs";
import { sql } from "../../db/client.server";
import { refreshAllOpenNeeds } from "../../search/match/cache.server";
import { reindex } from "../../search/reindex.server";
import { panelWithin, type Panel } from "~/models/match-feedback.server";
import { inboxCount } from "~/models/match-overview.server";
import { loader as inboxLoader } from "~/routes/inbox";
import { action as feedbackAction, loader as feedbackLoader } from "~/routes/matching.feedback";
import { action as overviewAction, loader as overviewLoader } from "~/routes/matching._index";
import { loader as exportLoader } from "~/routes/matching.export";
import { loader as needLoader } from "~/routes/needs.$ref";
import { createUserSession } from "~/utils/auth.server";
import { addMember, cookieFrom, getRequest, makeUser, postRequest, run } from "../app/helpers";
import { need, smallCatalog } from "../match/fixtures";

// The routes of the match UI called as Remix calls them: /matching/feedback (fetcher JSON and
// plain-form redirects), /matching and its export, /inbox, and the need page's streamed panel.

let cat: Awaited<ReturnType<typeof smallCatalog>>;
const cookies: Record<"owner" | "stranger" | "organizer" | "uni", string> = {
  owner: "",
  stranger: "",
  organizer: "",
  uni: "",
};
const users: Record<string, string> = {};

async function session(role: "member" | "organizer", orgId?: number) {
  const u = await makeUser({ role });
  if (orgId) await addMember(orgId, u.id, "member");
  return {
    id: u.id,
    cookie: cookieFrom(await createUserSession(getRequest("/login"), u.id)),
  };
}

function form(over: Record<string, string>) {
  return {
    subject: "need",
    subjectId: String(cat.foamNeed),
    otherKind: "result",
    otherId: String(cat.foamResult),
    decision: "dismiss",
    reason: "not_relevant",
    idempotencyKey: `k${Math.random().toString(36).slice(2)}xyz`,
    redirectTo: "/needs/TM-N1",
    ...over,
  };
}

async function post(fields: Record<string, string>, cookie?: string) {
  return run(() =>
    feedbackAction({
      request: postRequest("/matching/feedback", fields, { cookie }),
      params: {},
      context: {},
    })
  );
}

beforeAll(async () => {
  cat = await smallCatalog();
  await need(cat.ballCo, {
    ref: "TM-DRAFT",
    title: "钢球外观检测（草稿）",
    status: "draft",
  });
  await reindex();
  const o = await session("member", cat.foamCo);
  const s = await session("member", cat.ballCo);
  const g = await session("organizer");
  const u = await session("member", cat.uni);
  cookies.owner = o.cookie;
  cookies.stranger = s.cookie;
  cookies.organizer = g.cookie;
  cookies.uni = u.cookie;
  users.owner = o.id;
  users.uni = u.id;
}, 120_000);

describe("POST /matching/feedback", () => {
  it("with a fetcher: a dismissal without a reason is a 400 JSON with the localized message key; nothing written", async () => {
    const res = await post(form({ reason: "", _fetch: "1" }), cookies.owner);
    expect(res.status).toBe(400);
    expect(res.data).toMatchObject({
      ok: false,
      message: "match.errors.reasonRequired",
    });
    const [{ n }] = await sql<{ n: number }[]>`select count(*)::int as n from match_feedback`;
    expect(n).toBe(0);
  });

  it("without JavaScript: the same mistake goes back to the page with an error toast", async () => {
    const res = await post(form({ reason: "" }), cookies.owner);
    expect(res.status).toBe(302);
    expect(res.location).toBe("/needs/TM-N1");
    expect(res.headers.get("Set-Cookie")).toContain("qiao_toast");
  });

  it("an unknown decision, or a foreign redirect, are refused or neutralised", async () => {
    const bad = await post(form({ decision: "delete", _fetch: "1" }), cookies.owner);
    expect(bad.status).toBe(400);
    const foreign = await post(form({ reason: "", redirectTo: "https://evil.example/x" }), cookies.owner);
    expect(foreign.location).toBe("/");
  });

  it("a visitor is sent to sign in; another organization's member gets a 403; its draft is a 404", async () => {
    const anon = await post(form({ _fetch: "1" }));
    expect(anon.status).toBe(302);
    expect(anon.location).toContain("/login");
    const stranger = await post(form({ _fetch: "1", decision: "meeting" }), cookies.stranger);
    expect(stranger.status).toBe(403);
    const [{ id: draft }] = await sql<{ id: number }[]>`select id from need where ref = 'TM-DRAFT'`;
    const hidden = await post(form({ _fetch: "1", subjectId: String(draft) }), cookies.owner);
    expect(hidden.status).toBe(404);
  });

  it("accepts as a meeting request once, however often the form is sent", async () => {
    const fields = form({
      decision: "meeting",
      reason: "",
      _fetch: "1",
      score: "0.77",
    });
    const first = await post(fields, cookies.owner);
    expect(first.status).toBe(200);
    expect(first.data).toMatchObject({
      ok: true,
      message: "match.toasts.meeting",
      repeated: false,
    });
    const second = await post(fields, cookies.owner);
    expect(second.data).toMatchObject({
      ok: true,
      message: "match.toasts.already",
      repeated: true,
    });
    const rows = await sql`select id from meeting_request where need_id = ${cat.foamNeed}`;
    expect(rows).toHaveLength(1);
    // a later, different verdict on the same pair is stale
    const stale = await post(form({ decision: "dismiss", reason: "too_early", _fetch: "1" }), cookies.owner);
    expect(stale.status).toBe(409);
    expect(stale.data).toMatchObject({
      ok: false,
      message: "match.errors.alreadyDecided",
    });
  });

  it("GET is a 404 (actions only)", async () => {
    const res = await run(() =>
      feedbackLoader({
        request: getRequest("/matching/feedback"),
        params: {},
        context: {},
      })
    );
    expect(res.status).toBe(404);
  });
});

describe("need page", () => {
  it("carries the panel (ready, or as a promise when the engine was slow) with the outcome of what was accepted", async () => {
    const res = await run(() => needLoader({ request: getRequest("/needs/TM-N1", { cookie: cookies.owner }), params: { ref: "TM-N1" }, context: {} }));
    expect(res.status).toBe(200);
    type P = { state: string; items: Array<{ ref: string; outcome: unknown }> };
    const d = res.data as { suggestions: P | { state: "pending"; promise: Promise<P> } };
    // which of the two depends on the machine's load, not on the code under test
    const panel = "promise" in d.suggestions ? await d.suggestions.promise : d.suggestions;
    expect(panel.state).toBe("ok");
    // accepted above: its outcome is shown
    expect(panel.items.find((i) => i.ref === "TM-R1")?.outcome).toMatchObject({
      meetingRequest: { status: "pending" },
    });
  });
});

describe("panelWithin", () => {
  it("hands over a slow panel as a promise to stream, a ready one as it is", async () => {
    const slow = new Promise<Panel>((resolve) => setTimeout(() => resolve({ state: "unavailable" }), 200));
    const late = await panelWithin(slow, 10);
    expect(late.state).toBe("pending");
    if (late.state === "pending") expect(await late.promise).toEqual({ state: "unavailable" });
    expect(await panelWithin(Promise.resolve<Panel>({ state: "signin" }), 1000)).toEqual({ state: "signin" });
  });
});

describe("/matching overview and export", () => {
  it("is staff-only (a member gets 403)", async () => {
    const res = await run(() =>
      overviewLoader({
        request: getRequest("/matching", { cookie: cookies.owner }),
        params: {},
        context: {},
      })
    );
    expect(res.status).toBe(403);
    const exp = await run(() =>
      exportLoader({
        request: getRequest("/matching/export?format=csv", {
          cookie: cookies.owner,
        }),
        params: {},
        context: {},
      })
    );
    expect(exp.status).toBe(403);
    const refresh = await run(() =>
      overviewAction({
        request: postRequest("/matching", { intent: "refresh" }, { cookie: cookies.owner }),
        params: {},
        context: {},
      })
    );
    expect(refresh.status).toBe(403);
  });

  it("before the cache is built every open need is 'not computed'", async () => {
    const res = await run(() =>
      overviewLoader({
        request: getRequest("/matching", { cookie: cookies.organizer }),
        params: {},
        context: {},
      })
    );
    const d = res.data as {
      built: boolean;
      counts: { total: number; not_computed: number };
    };
    expect(d.built).toBe(false);
    expect(d.counts.total).toBe(2);
    expect(d.counts.not_computed).toBe(2);
  });

  it("after a refresh: strong for the foam need, nothing for the steel-ball need; filters narrow the list", async () => {
    await refreshAllOpenNeeds();
    const get = async (qs: string) => {
      const res = await run(() =>
        overviewLoader({
          request: getRequest(`/matching${qs}`, { cookie: cookies.organizer }),
          params: {},
          context: {},
        })
      );
      return res.data as {
        rows: Array<{ ref: string; verdict: string }>;
        counts: Record<string, number>;
      };
    };
    const all = await get("");
    expect(all.rows.find((r) => r.ref === "TM-N1")?.verdict).toMatch(/strong|possible/);
    expect(all.rows.find((r) => r.ref === "TM-N2")?.verdict).toBe("none");
    // the needs with nothing that fits come first: they need an expert diagnosis or a visit
    expect(all.rows[0].verdict).toBe("none");
    expect((await get("?verdict=none")).rows.map((r) => r.ref)).toEqual(["TM-N2"]);
    expect((await get(`?q=${encodeURIComponent("记忆绵")}`)).rows.map((r) => r.ref)).toEqual(["TM-N1"]);
    expect((await get(`?field=${encodeURIComponent("先进制造与自动化")}`)).rows.map((r) => r.ref)).toEqual(["TM-N2"]);
    // unknown filter values are ignored, not an error
    expect((await get("?verdict=bogus&field=x")).rows).toHaveLength(2);
  });

  it("exports CSV with Chinese headers and the follow-up, and XLSX", async () => {
    const csv = await run(() =>
      exportLoader({
        request: getRequest("/matching/export?format=csv&verdict=none", {
          cookie: cookies.organizer,
        }),
        params: {},
        context: {},
      })
    );
    expect(csv.status).toBe(200);
    expect(csv.headers.get("Content-Type")).toContain("text/csv");
    const text = String(csv.data);
    expect(text).toContain("编号,需求名称,企业,技术领域,匹配情况");
    expect(text).toContain("TM-N2");
    expect(text).toContain("专家诊断");
    expect(text).not.toContain("TM-N1");
    const bad = await run(() =>
      exportLoader({
        request: getRequest("/matching/export?format=pdf", {
          cookie: cookies.organizer,
        }),
        params: {},
        context: {},
      })
    );
    expect(bad.status).toBe(400);
    const res = await exportLoader({
      request: getRequest("/matching/export?format=xlsx", {
        cookie: cookies.organizer,
      }),
      params: {},
      context: {},
    });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await res.arrayBuffer());
    const ws = wb.worksheets[0];
    expect(ws.getRow(1).getCell(1).value).toBe("编号");
    expect(ws.rowCount).toBe(3);
  });
});

describe("/inbox", () => {
  it("counts new strong suggestions for a need's members and for the result's institution; the visit resets the badge", async () => {
    // The inbox reads the cache; whether this small catalog's pair scores strong or possible is
    // the engine's business (tests/match), so the cached pair is made strong here.
    await sql`update match_suggestion set label = 'strong' where need_id = ${cat.foamNeed} and result_id = ${cat.foamResult}`;
    const ownerCount = await inboxCount({ id: users.owner });
    const uniCount = await inboxCount({ id: users.uni });
    const [{ n: strong }] = await sql<{ n: number }[]>`select count(*)::int as n from match_suggestion where need_id = ${cat.foamNeed} and label = 'strong'`;
    expect(ownerCount).toBe(strong);
    expect(uniCount).toBe(strong);
    expect(strong).toBeGreaterThan(0);

    const res = await run(() =>
      inboxLoader({
        request: getRequest("/inbox", { cookie: cookies.owner }),
        params: {},
        context: {},
      })
    );
    const d = res.data as {
      lastVisit: Date | null;
      items: Array<{
        side: string;
        need_ref: string;
        other_ref: string;
        is_new: boolean;
      }>;
    };
    expect(d.lastVisit).toBeNull();
    expect(d.items[0]).toMatchObject({
      side: "need",
      need_ref: "TM-N1",
      other_ref: "TM-R1",
      is_new: true,
    });
    expect(await inboxCount({ id: users.owner })).toBe(0);

    // the second visit still lists them, no longer as new
    const again = await run(() =>
      inboxLoader({
        request: getRequest("/inbox", { cookie: cookies.owner }),
        params: {},
        context: {},
      })
    );
    const d2 = again.data as typeof d;
    expect(d2.lastVisit).not.toBeNull();
    expect(d2.items.every((i) => !i.is_new)).toBe(true);
    // the university's badge is its own
    expect(await inboxCount({ id: users.uni })).toBe(uniCount);
  });

  it("leaves out a pair the organization dismissed; another organization's member sees nothing of it", async () => {
    await sql`
      insert into match_feedback (need_id, result_id, org_id, decision, reason)
      values (${cat.foamNeed}, ${cat.foamResult}, ${cat.uni}, 'dismissed', 'already_in_contact')`;
    expect(await inboxCount({ id: users.uni })).toBe(0);
    const res = await run(() =>
      inboxLoader({
        request: getRequest("/inbox", { cookie: cookies.stranger }),
        params: {},
        context: {},
      })
    );
    expect((res.data as { items: unknown[] }).items).toHaveLength(0);
  });

  it("a visitor is sent to sign in", async () => {
    const res = await run(() => inboxLoader({ request: getRequest("/inbox"), params: {}, context: {} }));
    expect(res.status).toBe(302);
    expect(res.location).toContain("/login");
  });
});
