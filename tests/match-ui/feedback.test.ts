import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { sql } from "../../db/client.server";
import { reindex } from "../../search/reindex.server";
import { decideSuggestion, suggestionPanel, type DecideInput, type Panel } from "~/models/match-feedback.server";
import type { Actor } from "~/models/audit.server";
import { addMember, makeUser } from "../app/helpers";
import { need, org, result, smallCatalog } from "../match/fixtures";

// The suggestions panel and accepting / dismissing a suggestion (app/models/match-feedback.server.ts)
// on a small catalog in real PostgreSQL and Meilisearch; msw only fakes a failing Meilisearch.

const server = setupServer();
let cat: Awaited<ReturnType<typeof smallCatalog>>;
let owner: Actor; // member of the foam enterprise (owner of TM-N1)
let stranger: Actor; // member of the steel-ball enterprise
let uniMember: Actor; // member of the university (owner of TM-R1 and the spare results)
let organizer: Actor;
let admin: Actor;
let draftNeed = 0; // the steel-ball enterprise's draft
const spare: number[] = []; // published results of the university, free for one decision each
let closedNeed = 0;

async function key() {
  return `k${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;
}

async function input(over: Partial<DecideInput>): Promise<DecideInput> {
  return {
    subject: "need",
    subjectId: cat.foamNeed,
    otherKind: "result",
    otherId: cat.foamResult,
    decision: "dismiss",
    reason: "not_relevant",
    idempotencyKey: await key(),
    ...over,
  };
}

/** What a thrown Response says: status and body. */
async function refusal(p: Promise<unknown>): Promise<{ status: number; body: string }> {
  try {
    await p;
  } catch (e) {
    if (e instanceof Response) return { status: e.status, body: await e.text() };
    throw e;
  }
  throw new Error("expected a refusal");
}

async function feedbackCount() {
  const [{ n }] = await sql<{ n: number }[]>`select count(*)::int as n from match_feedback`;
  return n;
}

function ok(p: Panel) {
  if (p.state !== "ok") throw new Error(`panel is ${p.state}`);
  return p;
}

beforeAll(async () => {
  cat = await smallCatalog();
  draftNeed = await need(cat.ballCo, {
    ref: "TM-DRAFT",
    title: "钢球外观检测（草稿）",
    status: "draft",
  });
  closedNeed = await need(cat.foamCo, {
    ref: "TM-CLOSED",
    title: "记忆绵回弹慢（已关闭）",
    status: "closed",
  });
  // each spare result in its own university: one open meeting request per pair of sides
  for (let i = 1; i <= 8; i++) {
    const u = await org("university", `测试大学${i}`);
    spare.push(
      await result(u, {
        ref: `TM-S${i}`,
        title: `聚氨酯泡沫配方改进${i}`,
        summary: "软段设计与发泡工艺。",
        price: 50,
      })
    );
  }
  await reindex();
  const mk = async (role: "member" | "organizer" | "admin", orgId?: number): Promise<Actor> => {
    const u = await makeUser({ role });
    if (orgId) await addMember(orgId, u.id, "member");
    return { id: u.id, role };
  };
  owner = await mk("member", cat.foamCo);
  stranger = await mk("member", cat.ballCo);
  uniMember = await mk("member", cat.uni);
  organizer = await mk("organizer");
  admin = await mk("admin");
  server.listen({ onUnhandledRequest: "bypass" });
}, 120_000);
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

describe("suggestion panel", () => {
  it("shows the owner ranked suggestions with score, label, reasons and the shared concepts of both sides", async () => {
    const p = ok(await suggestionPanel(owner, "need", cat.foamNeed));
    expect(p.canDecide).toBe(true);
    const top = p.items[0];
    expect(top).toMatchObject({
      kind: "result",
      id: cat.foamResult,
      ref: "TM-R1",
    });
    expect(["strong", "possible"]).toContain(top.label);
    expect(top.score).toBeGreaterThan(0.5);
    expect(top.reasons.length).toBeGreaterThan(0);
    expect(top.reasons.every((r) => r.text_zh && r.text_en)).toBe(true);
    expect(top.concepts.length).toBeGreaterThan(0);
    expect(top.concepts[0].need_terms.length).toBeGreaterThan(0);
    expect(top.concepts[0].other_terms.length).toBeGreaterThan(0);
    expect(top.formKey).toMatch(/^[0-9a-f]{32}$/);
    expect(p.none).toBeNull();
  });

  it("says plainly when nothing fits, instead of padding", async () => {
    const p = ok(await suggestionPanel(stranger, "need", cat.ballNeed));
    expect(p.items.filter((i) => i.label === "strong" || i.label === "possible")).toHaveLength(0);
    expect(p.none?.code).toMatch(/nothing_fits|no_candidates|only_near_misses/);
  });

  it("lets only the owning organization and staff decide; asks visitors to sign in", async () => {
    expect(ok(await suggestionPanel(stranger, "need", cat.foamNeed)).canDecide).toBe(false);
    expect(ok(await suggestionPanel(uniMember, "need", cat.foamNeed)).canDecide).toBe(false);
    expect(ok(await suggestionPanel(organizer, "need", cat.foamNeed)).canDecide).toBe(true);
    expect(ok(await suggestionPanel(uniMember, "result", cat.foamResult)).canDecide).toBe(true);
    expect(await suggestionPanel(null, "need", cat.foamNeed)).toEqual({
      state: "signin",
    });
  });

  it("never shows another organization's draft, even by id", async () => {
    expect((await suggestionPanel(stranger, "need", draftNeed)).state).toBe("ok");
    expect((await suggestionPanel(owner, "need", draftNeed)).state).toBe("failed");
  });

  it("degrades to 'unavailable' when Meilisearch fails", async () => {
    server.use(http.post(`${process.env.MEILI_URL}/multi-search`, () => HttpResponse.json({ message: "boom", code: "internal" }, { status: 500 })));
    expect(await suggestionPanel(owner, "need", cat.foamNeed)).toEqual({
      state: "unavailable",
    });
  });
});

describe("who may accept or dismiss (role × action)", () => {
  // Each row decides a different pair, so one verdict cannot hide another's refusal.
  const matrix: Array<[string, () => Actor | null, "meeting" | "intent" | "dismiss", number | string]> = [
    ["anonymous", () => null, "dismiss", 403],
    ["member of another enterprise", () => stranger, "meeting", 403],
    ["member of the university (other side)", () => uniMember, "intent", 403],
    ["member of the owning enterprise", () => owner, "dismiss", "ok"],
    ["organizer", () => organizer, "meeting", "ok"],
    ["admin", () => admin, "intent", "ok"],
  ];
  it.each(matrix.map((row, i) => [...row, i] as const))("%s, %s → %s", async (_who, actor, decision, expected, i) => {
    const before = await feedbackCount();
    const call = decideSuggestion(
      actor(),
      await input({
        otherId: spare[i],
        decision,
        reason: decision === "dismiss" ? "too_early" : null,
      })
    );
    if (expected === "ok") {
      const done = await call;
      expect(done.repeated).toBe(false);
      expect(await feedbackCount()).toBe(before + 1);
    } else {
      expect((await refusal(call)).status).toBe(expected);
      expect(await feedbackCount()).toBe(before);
    }
  });

  it("a member of another organization is told 404 for a draft they cannot read, nothing written", async () => {
    const before = await feedbackCount();
    const r = await refusal(decideSuggestion(owner, await input({ subjectId: draftNeed, otherId: spare[6] })));
    expect(r.status).toBe(404);
    expect(await feedbackCount()).toBe(before);
  });
});

describe("bad input", () => {
  it("a dismissal without a reason is a 400 with a localized message key", async () => {
    const r = await refusal(decideSuggestion(owner, await input({ reason: null, otherId: spare[7] })));
    expect(r).toEqual({ status: 400, body: "match.errors.reasonRequired" });
  });

  it("an unknown record is a 404", async () => {
    expect((await refusal(decideSuggestion(owner, await input({ subjectId: 99_999_999 })))).status).toBe(404);
    expect((await refusal(decideSuggestion(owner, await input({ otherId: 99_999_999 })))).status).toBe(404);
  });

  it("a pair that is not need-first is a 400", async () => {
    const r = await refusal(decideSuggestion(owner, await input({ otherKind: "need", otherId: cat.ballNeed })));
    expect(r).toEqual({ status: 400, body: "match.errors.badPair" });
  });

  it("a malformed idempotency key is a 400", async () => {
    const r = await refusal(decideSuggestion(owner, await input({ idempotencyKey: "短" })));
    expect(r).toEqual({ status: 400, body: "match.errors.badKey" });
  });

  it("a closed need cannot take decisions (409)", async () => {
    const r = await refusal(decideSuggestion(owner, await input({ subjectId: closedNeed, otherId: spare[7] })));
    expect(r).toEqual({ status: 409, body: "match.errors.closed" });
  });

  it("a note of Chinese text with full-width punctuation is kept as typed", async () => {
    const extra = await result(cat.uni, {
      ref: "TM-NOTE",
      title: "泡沫回弹测试方法",
      summary: "测试。",
    });
    const done = await decideSuggestion(
      owner,
      await input({
        otherId: extra,
        decision: "dismiss",
        reason: "already_in_contact",
        note: "已与王教授团队联系（２０２６年），暂不需要！",
      })
    );
    const [row] = await sql<{ note: string; reason: string }[]>`select note, reason from match_feedback where id = ${done.feedbackId}`;
    expect(row).toEqual({
      note: "已与王教授团队联系（２０２６年），暂不需要！",
      reason: "already_in_contact",
    });
  });
});

describe("accepting", () => {
  it("as a meeting request: event-less, from a suggestion, with the score and both parties; audited", async () => {
    const k = await key();
    const done = await decideSuggestion(
      owner,
      await input({
        decision: "meeting",
        score: 0.81,
        idempotencyKey: k,
        reason: null,
      })
    );
    expect(done.meetingRequestId).not.toBeNull();
    const [mr] =
      await sql`select event_id, source, match_score, need_id, result_id, idempotency_key, status from meeting_request where id = ${done.meetingRequestId}`;
    expect(mr).toMatchObject({
      event_id: null,
      source: "suggestion",
      need_id: cat.foamNeed,
      result_id: cat.foamResult,
      idempotency_key: k,
      status: "pending",
    });
    expect(mr.match_score).toBeCloseTo(0.81, 5);
    const parties =
      await sql`select org_id, expert_id, role, response from meeting_request_party where request_id = ${done.meetingRequestId} order by role desc`;
    expect(parties).toEqual([
      {
        org_id: cat.foamCo,
        expert_id: null,
        role: "requester",
        response: "accepted",
      },
      {
        org_id: cat.uni,
        expert_id: null,
        role: "invitee",
        response: "pending",
      },
    ]);
    const audits = await sql`select action from audit_log where actor_id = ${owner.id} and action in ('meeting_request.create', 'match_feedback.accept')`;
    expect(audits.map((a) => a.action).sort()).toEqual(["match_feedback.accept", "meeting_request.create"]);
  });

  it("the accepted suggestion shows its outcome on the panel", async () => {
    const p = ok(await suggestionPanel(owner, "need", cat.foamNeed));
    const item = p.items.find((i) => i.id === cat.foamResult);
    expect(item?.outcome?.meetingRequest?.status).toBe("pending");
    // other organizations do not see the owner's outcomes
    const seen = ok(await suggestionPanel(stranger, "need", cat.foamNeed)).items.find((i) => i.id === cat.foamResult);
    expect(seen?.outcome ?? null).toBeNull();
  });

  it("a double submit (same key, or at once) makes one request; a different decision later is a 409", async () => {
    const [{ n: before }] = await sql<{ n: number }[]>`select count(*)::int as n from meeting_request`;
    const again = await decideSuggestion(owner, await input({ decision: "meeting", reason: null }));
    expect(again.repeated).toBe(true);
    const [{ n: after }] = await sql<{ n: number }[]>`select count(*)::int as n from meeting_request`;
    expect(after).toBe(before);
    const stale = await refusal(decideSuggestion(owner, await input({ decision: "dismiss", reason: "too_expensive" })));
    expect(stale).toEqual({ status: 409, body: "match.errors.alreadyDecided" });
  });

  it("two clicks at the same moment make one meeting request", async () => {
    const target = await result(await org("university", "测试工学院"), {
      ref: "TM-TWICE",
      title: "泡沫低温性能测试",
      summary: "测试。",
    });
    const k = await key();
    const both = await Promise.all(
      [0, 1].map(async () =>
        decideSuggestion(
          owner,
          await input({
            otherId: target,
            decision: "meeting",
            reason: null,
            idempotencyKey: k,
          })
        )
      )
    );
    expect(both.map((d) => d.repeated).sort()).toEqual([false, true]);
    const rows = await sql`select id from meeting_request where result_id = ${target}`;
    expect(rows).toHaveLength(1);
  });

  it("a second suggestion between the same two sides points at the open request instead of a duplicate", async () => {
    const sibling = await result(cat.uni, {
      ref: "TM-SIB",
      title: "记忆绵温敏性测试",
      summary: "测试。",
    });
    const done = await decideSuggestion(owner, await input({ otherId: sibling, decision: "meeting", reason: null }));
    const [first] = await sql<{ meeting_request_id: number }[]>`
      select meeting_request_id from match_feedback where need_id = ${cat.foamNeed} and result_id = ${cat.foamResult} and org_id = ${cat.foamCo}`;
    expect(done.meetingRequestId).toBe(first.meeting_request_id);
    const open = await sql`
      select r.id from meeting_request r join meeting_request_party p on p.request_id = r.id and p.role = 'invitee'
      where r.status = 'pending' and p.org_id = ${cat.uni}`;
    expect(open).toHaveLength(1);
  });

  it("as a draft cooperation intent with its creation row in the stage history", async () => {
    const target = await result(cat.uni, {
      ref: "TM-INTENT",
      title: "慢回弹泡沫温敏性调控",
      summary: "软段设计。",
    });
    const done = await decideSuggestion(uniMember, {
      subject: "result",
      subjectId: target,
      otherKind: "need",
      otherId: cat.foamNeed,
      decision: "intent",
      idempotencyKey: await key(),
    });
    const [intent] = await sql`select enterprise_org_id, institution_org_id, need_id, result_id, stage, created_by from intent where id = ${done.intentId}`;
    expect(intent).toEqual({
      enterprise_org_id: cat.foamCo,
      institution_org_id: cat.uni,
      need_id: cat.foamNeed,
      result_id: target,
      stage: "intent",
      created_by: uniMember.id,
    });
    const history = await sql`select from_stage, to_stage from intent_stage_history where intent_id = ${done.intentId}`;
    expect(history).toEqual([{ from_stage: null, to_stage: "intent" }]);
    // recorded for the university, the side that decided
    const [f] = await sql`select org_id, decision from match_feedback where id = ${done.feedbackId}`;
    expect(f).toEqual({ org_id: cat.uni, decision: "accepted" });
  });
});

describe("from an expert's page", () => {
  it("the institution requests a meeting with the need's enterprise; a member of the enterprise cannot decide there", async () => {
    const [x] = await sql<{ id: number }[]>`
      insert into expert (org_id, name, title, areas, status, visibility, published_at)
      values (${cat.uni}, '测试专家', '教授', ${["聚氨酯泡沫", "玻璃化转变"]}, 'published', 'public', now()) returning id`;
    const refused = await refusal(
      decideSuggestion(owner, {
        subject: "expert",
        subjectId: x.id,
        otherKind: "need",
        otherId: cat.foamNeed,
        decision: "meeting",
        idempotencyKey: await key(),
      })
    );
    expect(refused.status).toBe(403);
    const uni2 = await makeUser();
    await addMember(cat.uni, uni2.id, "member");
    const done = await decideSuggestion(
      { id: uni2.id, role: "member" },
      { subject: "expert", subjectId: x.id, otherKind: "need", otherId: cat.ballNeed, decision: "meeting", idempotencyKey: await key() }
    );
    const parties = await sql`select org_id, expert_id, role from meeting_request_party where request_id = ${done.meetingRequestId} order by role desc`;
    expect(parties).toEqual([
      { org_id: cat.uni, expert_id: null, role: "requester" },
      { org_id: cat.ballCo, expert_id: null, role: "invitee" },
    ]);
    const [f] = await sql`select need_id, expert_id, result_id, org_id from match_feedback where id = ${done.feedbackId}`;
    expect(f).toEqual({ need_id: cat.ballNeed, expert_id: x.id, result_id: null, org_id: cat.uni });
  });
});

describe("dismissing", () => {
  it("takes the suggestion off the organization's list for good, and only theirs", async () => {
    const co = await org("enterprise", "测试床垫有限公司");
    const n2 = await need(co, {
      ref: "TM-N9",
      title: "记忆绵床垫冬季变硬",
      description: "记忆绵冬天变硬，回弹时间长，希望低温下手感稳定。",
      keywords: ["记忆绵", "冬季变硬"],
    });
    await reindex();
    const member = await makeUser();
    await addMember(co, member.id, "member");
    const actor: Actor = { id: member.id, role: "member" };
    const before = ok(await suggestionPanel(actor, "need", n2));
    expect(before.items.some((i) => i.id === cat.foamResult)).toBe(true);
    await decideSuggestion(
      actor,
      await input({
        subjectId: n2,
        decision: "dismiss",
        reason: "not_relevant",
      })
    );
    const after = ok(await suggestionPanel(actor, "need", n2));
    expect(after.items.some((i) => i.id === cat.foamResult)).toBe(false);
    // the university still sees that need for its result
    const theirs = ok(await suggestionPanel(uniMember, "result", cat.foamResult));
    expect(theirs.items.some((i) => i.id === n2)).toBe(true);
    const [a] = await sql`select action from audit_log where actor_id = ${member.id} and action = 'match_feedback.dismiss'`;
    expect(a).toBeDefined();
  });
});
