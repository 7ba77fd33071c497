import { describe, expect, test } from "vitest";
import { sql } from "../../db/client.server";
import { loader as exportLoader } from "~/routes/events.export";
import { loader as listLoader } from "~/routes/events._index";
import { action as newAction } from "~/routes/events.new";
import { action as checkinAction, loader as checkinLoader } from "~/routes/events.$id_.checkin";
import { loader as editLoader } from "~/routes/events.$id_.edit";
import { loader as outcomeExport } from "~/routes/events.$id_.outcome_.export";
import { loader as outcomeLoader } from "~/routes/events.$id_.outcome";
import { action as participantsAction, loader as participantsLoader } from "~/routes/events.$id_.participants";
import { action as registerAction } from "~/routes/events.$id_.register";
import { action as requestsAction, loader as requestsLoader } from "~/routes/events.$id_.requests";
import { action as setupAction } from "~/routes/events.$id_.setup";
import { loader as eventLoader } from "~/routes/events.$id";
import { eventWorld, getRequest, postRequest, run } from "./helpers";

const w = await eventWorld();
const ctx = {};
const ref = w.event.ref ?? "";
const params = { id: ref };

function messages(data: unknown): string[] {
  const r = (data as { result?: { error?: Record<string, string[] | null> } }).result;
  return Object.values(r?.error ?? {}).flatMap((m) => m ?? []);
}

type U = { cookie: string };
const who: Record<string, U | null> = {
  anonymous: null,
  member: w.memberA,
  otherMember: w.memberB,
  uniMember: w.uniMember,
  otherOrganizer: w.otherOrganizer,
  organizer: w.organizer,
  admin: w.admin,
};
const get = (path: string, u: U | null) => getRequest(path, u ? { cookie: u.cookie } : {});

describe("role × page matrix", () => {
  // expected status per role: 200, 403 (forbidden) or 302 (to the login page)
  const pages: [string, (r: Request) => Promise<unknown>, Record<string, number>][] = [
    ["/events", (r) => listLoader({ request: r, params: {}, context: ctx }), { anonymous: 200, member: 200, otherMember: 200, uniMember: 200, otherOrganizer: 200, organizer: 200, admin: 200 }],
    [`/events/${ref}`, (r) => eventLoader({ request: r, params, context: ctx }), { anonymous: 200, member: 200, otherMember: 200, uniMember: 200, otherOrganizer: 200, organizer: 200, admin: 200 }],
    [`/events/${ref}/edit`, (r) => editLoader({ request: r, params, context: ctx }), { anonymous: 302, member: 403, otherMember: 403, uniMember: 403, otherOrganizer: 403, organizer: 200, admin: 200 }],
    [`/events/${ref}/checkin`, (r) => checkinLoader({ request: r, params, context: ctx }), { anonymous: 302, member: 403, otherMember: 403, uniMember: 403, otherOrganizer: 403, organizer: 200, admin: 200 }],
    [`/events/${ref}/participants`, (r) => participantsLoader({ request: r, params, context: ctx }), { anonymous: 302, member: 403, otherMember: 403, uniMember: 403, otherOrganizer: 200, organizer: 200, admin: 200 }],
    [`/events/${ref}/outcome`, (r) => outcomeLoader({ request: r, params, context: ctx }), { anonymous: 302, member: 403, otherMember: 403, uniMember: 403, otherOrganizer: 200, organizer: 200, admin: 200 }],
    [`/events/${ref}/requests`, (r) => requestsLoader({ request: r, params, context: ctx }), { anonymous: 302, member: 200, otherMember: 200, uniMember: 200, otherOrganizer: 200, organizer: 200, admin: 200 }],
  ];
  for (const [path, fn, expected] of pages) {
    test(path.replace(ref, ":id"), async () => {
      const got: Record<string, number> = {};
      for (const [role, u] of Object.entries(who)) got[role] = (await run(() => fn(get(path, u)))).status;
      expect(got).toEqual(expected);
    });
  }

  test("the event's management actions: only its organizers and admins", async () => {
    const got: Record<string, number> = {};
    for (const [role, u] of Object.entries(who)) {
      const r = await run(() => setupAction({ request: postRequest(`/events/${ref}/setup`, { intent: "addTables", label: `${role}桌`, capacity: "4" }, u ? { cookie: u.cookie } : {}), params, context: ctx }));
      got[role] = r.status;
    }
    expect(got).toEqual({ anonymous: 302, member: 403, otherMember: 403, uniMember: 403, otherOrganizer: 403, organizer: 302, admin: 302 });
    const tables = await sql`select label from event_table where event_id = ${w.event.id} order by label`;
    expect(tables.map((t) => t.label)).toEqual(["admin桌", "organizer桌"]);
  });
});

describe("forms", () => {
  test("new event: ends before it starts → localized message on the field, nothing written", async () => {
    const before = await sql`select count(*)::int as n from event`;
    const r = await run(() =>
      newAction({
        request: postRequest("/events/new", { kind: "talent_fair", name: "测试活动（春季）", startsOn: "2030-05-21", endsOn: "2030-05-20", slotMinutes: "20" }, { cookie: w.organizer.cookie }),
        params: {},
        context: ctx,
      }),
    );
    expect(r.status).toBe(400);
    expect(messages(r.data)).toEqual(["events.errors.endsBeforeStart"]);
    expect((await sql`select count(*)::int as n from event`)[0].n).toBe(before[0].n);
    const ok = await run(() =>
      newAction({ request: postRequest("/events/new", { kind: "university_visit", name: "走进南京大学", startsOn: "2030-06-01", endsOn: "2030-06-01", slotMinutes: "30" }, { cookie: w.organizer.cookie }), params: {}, context: ctx }),
    );
    expect(ok.status).toBe(302);
    expect(ok.location).toMatch(/^\/events\/EV2030-\d+\/setup$/);
  });

  test("setup: overlapping slot is refused with its message", async () => {
    const post = (f: Record<string, string>) => run(() => setupAction({ request: postRequest(`/events/${ref}/setup`, f, { cookie: w.organizer.cookie }), params, context: ctx }));
    expect((await post({ intent: "generateSlots", day: "2030-05-20", from: "09:00", to: "10:00", minutes: "30" })).status).toBe(302);
    const r = await post({ intent: "addSlot", day: "2030-05-20", from: "09:10", to: "09:40" });
    expect(r.status).toBe(400);
    expect(messages(r.data)).toEqual(["events.errors.slotOverlap"]);
    const bad = await post({ intent: "addSlot", day: "2030-05-20", from: "9点", to: "10:00" });
    expect(bad.status).toBe(400);
    expect(messages(bad.data)).toContain("events.errors.badTime");
  });

  test("registration: availability outside the event is refused; Chinese full-width input is accepted", async () => {
    const ev = w.event;
    const refused = await run(() =>
      registerAction({
        request: postRequest(`/events/${ref}/register`, { intent: "register", party: `expert:${w.prof3.id}`, lookingFor: "寻找合作企业：储能、锂电。", "avail[0].day": "2030-06-01", "avail[0].from": "09:00", "avail[0].to": "10:00" }, { cookie: w.uni2Member.cookie }),
        params,
        context: ctx,
      }),
    );
    expect(refused.status).toBe(400);
    expect(messages(refused.data)).toEqual(["events.errors.availabilityOutside"]);
    const ok = await run(() =>
      registerAction({
        request: postRequest(`/events/${ref}/register`, { intent: "register", party: `expert:${w.prof3.id}`, lookingFor: "寻找合作企业：储能、锂电。", "avail[0].day": "2030-05-20", "avail[0].from": "０９：００", "avail[0].to": "12:00" }, { cookie: w.uni2Member.cookie }),
        params,
        context: ctx,
      }),
    );
    expect(ok.status).toBe(302);
    const [p] = await sql`select status, looking_for from event_participant where event_id = ${ev.id} and expert_id = ${w.prof3.id}`;
    expect(p).toEqual({ status: "registered", looking_for: "寻找合作企业：储能、锂电。" });
  });

  test("meeting requests: to oneself and to a non-participant refused; a double submit makes one; the other side accepts", async () => {
    const post = (u: U, f: Record<string, string>) => run(() => requestsAction({ request: postRequest(`/events/${ref}/requests`, f, { cookie: u.cookie }), params, context: ctx }));
    const self = await post(w.memberA, { intent: "request", requester: `org:${w.entA}`, invitee: `org:${w.entA}`, idempotencyKey: "k-self-000001" });
    expect(messages(self.data)).toEqual(["events.errors.requestSelf"]);
    const outsider = await sql<{ id: number }[]>`insert into organization (kind, name) values ('university', '未报名大学') returning id`;
    const non = await post(w.memberA, { intent: "request", requester: `org:${w.entA}`, invitee: `org:${outsider[0].id}`, idempotencyKey: "k-non-0000001" });
    expect(messages(non.data)).toEqual(["events.errors.requestNonParticipant"]);
    const form = { intent: "request", requester: `org:${w.entA}`, invitee: `expert:${w.prof2.id}`, message: "您好，想约您聊聊！", idempotencyKey: "k-double-click-1" };
    const [a, b] = await Promise.all([post(w.memberA, form), post(w.memberA, form)]);
    expect([a.status, b.status]).toEqual([302, 302]);
    const rows = await sql<{ id: number; version: number }[]>`select id, version from meeting_request where idempotency_key = 'k-double-click-1'`;
    expect(rows).toHaveLength(1);
    // the other enterprise does not see it; the university's member does and accepts
    const seenByB = await run(() => requestsLoader({ request: get(`/events/${ref}/requests`, w.memberB), params, context: ctx }));
    expect((seenByB.data as { requests: { id: number }[] }).requests.map((r) => r.id)).not.toContain(rows[0].id);
    const acc = await post(w.uniMember, { intent: "accept", requestId: String(rows[0].id), version: String(rows[0].version) });
    expect(acc.status).toBe(302);
    const [after] = await sql`select status from meeting_request where id = ${rows[0].id}`;
    expect(after.status).toBe("accepted");
  });

  test("participants: two organizers approve from the same page → the second gets the conflict message", async () => {
    await sql`insert into event_organizer (event_id, user_id) values (${w.event.id}, ${w.otherOrganizer.id}) on conflict do nothing`;
    const [p] = await sql<{ id: number; version: number }[]>`select id, version from event_participant where id = ${w.pB.id}`;
    const fields = { intent: "decide", participantId: String(p.id), version: String(p.version), decision: "approve" };
    const first = await run(() => participantsAction({ request: postRequest(`/events/${ref}/participants`, fields, { cookie: w.organizer.cookie }), params, context: ctx }));
    expect(first.status).toBe(302);
    const second = await run(() => participantsAction({ request: postRequest(`/events/${ref}/participants`, { ...fields, decision: "reject" }, { cookie: w.otherOrganizer.cookie }), params, context: ctx }));
    expect(second.status).toBe(409);
    expect(messages(second.data)).toEqual(["events.errors.stale"]);
    await sql`delete from event_organizer where event_id = ${w.event.id} and user_id = ${w.otherOrganizer.id}`;
  });

  test("participants: invite one or several parties found by name (checkbox values)", async () => {
    const post = (fields: [string, string][]) => {
      const headers = new Headers({ "Content-Type": "application/x-www-form-urlencoded", Origin: "http://localhost", Cookie: w.organizer.cookie });
      const request = new Request(`http://localhost/events/${ref}/participants`, { method: "POST", headers, body: new URLSearchParams(fields) });
      return run(() => participantsAction({ request, params, context: ctx }));
    };
    const found = await run(() => participantsLoader({ request: get(`/events/${ref}/participants?invite=${encodeURIComponent("研究院")}`, w.organizer), params, context: ctx }));
    const candidates = (found.data as { candidates: { value: string; status: string | null }[] }).candidates;
    expect(candidates.some((c) => c.value === `org:${w.uni2}` && c.status === null)).toBe(true);
    expect((await post([["intent", "invite"], ["parties", `org:${w.uni2}`]])).status).toBe(302);
    expect((await post([["intent", "invite"], ["parties", `org:${w.uni2}`], ["parties", `expert:${w.prof3.id}`]])).status).toBe(302);
    // the institute is invited; its expert registered earlier in this file and stays registered (skipped, not downgraded)
    const [inst] = await sql`select status from event_participant where event_id = ${w.event.id} and org_id = ${w.uni2}`;
    const [prof] = await sql`select status from event_participant where event_id = ${w.event.id} and expert_id = ${w.prof3.id}`;
    expect([inst.status, prof.status]).toEqual(["invited", "registered"]);
    const bad = await post([["intent", "invite"], ["parties", "org:abc"]]);
    expect(bad.status).toBe(400);
  });

  test("check-in desk: unknown code is a message; a code checks in", async () => {
    const post = (f: Record<string, string>) => run(() => checkinAction({ request: postRequest(`/events/${ref}/checkin`, f, { cookie: w.organizer.cookie }), params, context: ctx }));
    expect(messages((await post({ intent: "checkinCode", code: "ZZZZ9999" })).data)).toEqual(["events.errors.codeNotFound"]);
    const [p] = await sql<{ checkin_code: string }[]>`select checkin_code from event_participant where id = ${w.pU.id}`;
    expect((await post({ intent: "checkinCode", code: p.checkin_code.toLowerCase() })).status).toBe(302);
    const live = await run(() => checkinLoader({ request: get(`/events/${ref}/checkin`, w.organizer), params, context: ctx }));
    expect((live.data as { counts: { checkedIn: number } }).counts.checkedIn).toBe(1);
  });
});

describe("exports", () => {
  test("events list as CSV (BOM, Chinese headers) and XLSX; formula-like names neutralized", async () => {
    await sql`update event set name = '=HYPERLINK("x")活动' where id = ${w.event.id}`;
    const csv = await exportLoader({ request: get("/events/export?format=csv&q=HYPERLINK", w.organizer), params: {}, context: ctx });
    const bytes = new Uint8Array(await csv.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes);
    expect(text).toContain("活动名称");
    expect(text).toContain(`'=HYPERLINK`);
    const xlsx = await exportLoader({ request: get("/events/export?format=xlsx", w.organizer), params: {}, context: ctx });
    expect(xlsx.headers.get("Content-Type")).toContain("spreadsheetml");
    expect((await exportLoader({ request: get("/events/export?format=pdf", null), params: {}, context: ctx })).status).toBe(400);
    await sql`update event set name = '测试人才洽谈会' where id = ${w.event.id}`;
  });

  test("outcome XLSX for staff; members are refused", async () => {
    const ok = await run(() => outcomeExport({ request: get(`/events/${ref}/outcome/export`, w.organizer), params, context: ctx }));
    expect(ok.status).toBe(200);
    expect(ok.headers.get("Content-Type")).toContain("spreadsheetml");
    const no = await run(() => outcomeExport({ request: get(`/events/${ref}/outcome/export`, w.memberA), params, context: ctx }));
    expect(no.status).toBe(403);
  });
});
