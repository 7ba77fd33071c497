import { describe, expect, test } from "vitest";
import { sql } from "../../db/client.server";
import {
  cancelMeetingRequest,
  createMeetingRequest,
  listMeetingRequests,
  respondToMeetingRequest,
  type PartyRef,
} from "~/models/meeting-request.server";
import { actor, count, eventWorld, makeEvent, participant, refusal } from "./helpers";

const w = await eventWorld();
const org = (id: number): PartyRef => ({ kind: "org", id });
const exp = (id: number): PartyRef => ({ kind: "expert", id });

describe("createMeetingRequest", () => {
  test("a member asks an expert of the event; the institution's member accepts; audit rows", async () => {
    const made = await createMeetingRequest(actor(w.memberA), {
      eventId: w.event.id,
      requester: org(w.entA),
      invitees: [exp(w.prof.id)],
      message: "想了解贵团队的储能材料成果，能否当面交流？",
    });
    expect(made).toMatchObject({ status: "pending", created: true });
    const parties = await sql`select role, response from meeting_request_party where request_id = ${made.id} order by role desc`;
    expect(parties.map((p) => `${p.role}:${p.response}`)).toEqual(["requester:accepted", "invitee:pending"]);

    // the requester cannot answer its own request
    expect(await refusal(respondToMeetingRequest(actor(w.memberA), { id: made.id, version: 1, response: "accepted" }))).toEqual({
      status: 400,
      message: "events.errors.requestNotYours",
    });
    const done = await respondToMeetingRequest(actor(w.uniMember), { id: made.id, version: 1, response: "accepted" });
    expect(done).toMatchObject({ status: "accepted", version: 2 });
    const audits = await sql`select action from audit_log where entity = 'meeting_request' and entity_id = ${String(made.id)} order by id`;
    expect(audits.map((a) => a.action)).toEqual(["meeting_request.create", "meeting_request.accept"]);
    // a second answer from an old page is stale
    expect(await refusal(respondToMeetingRequest(actor(w.uniMember), { id: made.id, version: 1, response: "declined" }))).toEqual({
      status: 409,
      message: "events.errors.stale",
    });
  });

  test("declining closes the request", async () => {
    const made = await createMeetingRequest(actor(w.memberB), { eventId: w.event.id, requester: org(w.entB), invitees: [org(w.uni)] });
    const done = await respondToMeetingRequest(actor(w.uniMember), { id: made.id, version: 1, response: "declined" });
    expect(done.status).toBe("declined");
  });

  test("the same idempotency key twice (a double click) creates one request", async () => {
    const key = "dbl-click-0001";
    const input = { eventId: w.event.id, requester: org(w.entA), invitees: [exp(w.prof2.id)], idempotencyKey: key };
    const before = await count("meeting_request");
    const [a, b] = await Promise.all([createMeetingRequest(actor(w.memberA), input), createMeetingRequest(actor(w.memberA), input)]);
    expect(a.id).toBe(b.id);
    expect([a.created, b.created].sort()).toEqual([false, true]);
    expect(await count("meeting_request")).toBe(before + 1);
  });

  test("bad input: a clear message and nothing written", async () => {
    const outsiderEvent = await makeEvent(w.organizer.id);
    await participant(outsiderEvent.id, { orgId: w.entA, status: "approved" });
    const before = { r: await count("meeting_request"), p: await count("meeting_request_party"), a: await count("audit_log") };
    const cases: [Parameters<typeof createMeetingRequest>[1], string][] = [
      [{ eventId: w.event.id, requester: org(w.entA), invitees: [org(w.entA)] }, "events.errors.requestSelf"],
      // the university's member asks its own professor: still oneself
      [{ eventId: w.event.id, requester: org(w.uni), invitees: [exp(w.prof.id)] }, "events.errors.requestSelf"],
      // the institute's expert has not registered
      [{ eventId: w.event.id, requester: org(w.entA), invitees: [exp(w.prof3.id)] }, "events.errors.requestNonParticipant"],
      // the university is not at the other event
      [{ eventId: outsiderEvent.id, requester: org(w.entA), invitees: [org(w.uni)] }, "events.errors.requestNonParticipant"],
      [{ eventId: w.event.id, requester: org(w.entA), invitees: [] }, "events.errors.inviteeRequired"],
      [{ eventId: w.event.id, requester: org(w.entA), invitees: [exp(w.prof.id), exp(w.prof2.id)] }, "events.errors.groupOnlyOrganizer"],
      [{ eventId: w.event.id, requester: org(w.entA), invitees: [org(999999)] }, "events.errors.partyNotFound"],
    ];
    for (const [input, message] of cases) {
      const member = input.requester.id === w.uni ? w.uniMember : w.memberA;
      expect(await refusal(createMeetingRequest(actor(member), input))).toEqual({ status: 400, message });
    }
    expect({ r: await count("meeting_request"), p: await count("meeting_request_party"), a: await count("audit_log") }).toEqual(before);
  });

  test("a requester who has not registered is refused; a rejected participant counts as not taking part", async () => {
    const ev = await makeEvent(w.organizer.id);
    await participant(ev.id, { orgId: w.entA, status: "rejected" });
    await participant(ev.id, { orgId: w.uni, status: "approved" });
    expect(await refusal(createMeetingRequest(actor(w.memberA), { eventId: ev.id, requester: org(w.entA), invitees: [org(w.uni)] }))).toEqual({
      status: 400,
      message: "events.errors.requesterNotParticipant",
    });
  });

  test("an open duplicate is refused; after a decline a new request is fine", async () => {
    const first = await createMeetingRequest(actor(w.memberB), { eventId: w.event.id, requester: org(w.entB), invitees: [exp(w.prof.id)] });
    expect(await refusal(createMeetingRequest(actor(w.memberB), { eventId: w.event.id, requester: org(w.entB), invitees: [exp(w.prof.id)] }))).toEqual({
      status: 409,
      message: "events.errors.requestDuplicate",
    });
    await cancelMeetingRequest(actor(w.memberB), { id: first.id, version: 1 });
    const again = await createMeetingRequest(actor(w.memberB), { eventId: w.event.id, requester: org(w.entB), invitees: [exp(w.prof.id)] });
    expect(again.created).toBe(true);
  });

  test("permissions: acting for another organization is 403; anonymous 403", async () => {
    expect(await refusal(createMeetingRequest(actor(w.memberB), { eventId: w.event.id, requester: org(w.entA), invitees: [org(w.uni)] }))).toMatchObject({ status: 403 });
    expect(await refusal(createMeetingRequest(null, { eventId: w.event.id, requester: org(w.entA), invitees: [org(w.uni)] }))).toMatchObject({ status: 403 });
    // an organizer who does not run this event cannot arrange its meetings
    expect(await refusal(createMeetingRequest(actor(w.otherOrganizer), { eventId: w.event.id, requester: org(w.entA), invitees: [org(w.uni)] }))).toMatchObject({ status: 403 });
  });

  test("the event's organizer arranges a group meeting (one enterprise, two professors): accepted from the start", async () => {
    const made = await createMeetingRequest(actor(w.organizer), {
      eventId: w.event.id,
      requester: org(w.entB),
      invitees: [exp(w.prof.id), exp(w.prof2.id)],
      priority: 5,
    });
    expect(made.status).toBe("accepted");
    const [r] = await sql`select source, priority from meeting_request where id = ${made.id}`;
    expect(r).toMatchObject({ source: "organizer", priority: 5 });
  });

  test("outside any event (a suggestion accepted in matching), inside the caller's transaction", async () => {
    const id = await sql.begin(async (tx) => {
      const made = await createMeetingRequest(actor(w.memberA), { eventId: null, requester: org(w.entA), invitees: [org(w.uni2)], source: "suggestion", matchScore: 0.82 }, tx);
      return made.id;
    });
    const [r] = await sql`select event_id, source, match_score from meeting_request where id = ${id}`;
    expect(r.event_id).toBeNull();
    expect(r.source).toBe("suggestion");
  });
});

describe("who sees which requests", () => {
  test("participants see only requests they are party to; organizers see all", async () => {
    const made = await createMeetingRequest(actor(w.memberA), { eventId: w.event.id, requester: org(w.entA), invitees: [org(w.uni)], message: "仅双方可见" });
    const forA = await listMeetingRequests(actor(w.memberA), { eventId: w.event.id });
    const forU = await listMeetingRequests(actor(w.uniMember), { eventId: w.event.id });
    const forB = await listMeetingRequests(actor(w.memberB), { eventId: w.event.id });
    const forOrg = await listMeetingRequests(actor(w.organizer), { eventId: w.event.id });
    expect(forA.map((r) => r.id)).toContain(made.id);
    expect(forU.find((r) => r.id === made.id)?.canRespond).toBe(true);
    expect(forB.map((r) => r.id)).not.toContain(made.id);
    for (const r of forB) expect(r.parties.some((p) => p.mine)).toBe(true);
    expect(forOrg.map((r) => r.id)).toContain(made.id);
    // an outsider cannot answer or cancel: the request stays hidden (404)
    expect(await refusal(respondToMeetingRequest(actor(w.memberB), { id: made.id, version: 1, response: "declined" }))).toMatchObject({ status: 404 });
    expect(await refusal(cancelMeetingRequest(actor(w.memberB), { id: made.id, version: 1 }))).toMatchObject({ status: 404 });
    // the invitee may not cancel the requester's request
    expect(await refusal(cancelMeetingRequest(actor(w.uniMember), { id: made.id, version: 1 }))).toMatchObject({ status: 403 });
  });
});

describe("contact details granted by an accepted request", () => {
  test("only after the other side accepted, and only between those sides", async () => {
    const { contactGrantedByAcceptedRequest } = await import("~/models/meeting-request.server");
    const { expert: makeExpert } = await import("../catalog/helpers");
    const x = await makeExpert(w.uni2, { name: "钱教授" });
    await participant(w.event.id, { expertId: x.id, status: "approved" });
    expect(await contactGrantedByAcceptedRequest(w.memberA.id, "expert", x.id)).toBe(false);
    const made = await createMeetingRequest(actor(w.memberA), { eventId: w.event.id, requester: org(w.entA), invitees: [exp(x.id)] });
    expect(await contactGrantedByAcceptedRequest(w.memberA.id, "expert", x.id)).toBe(false);
    await respondToMeetingRequest(actor(w.uni2Member), { id: made.id, version: 1, response: "accepted" });
    expect(await contactGrantedByAcceptedRequest(w.memberA.id, "expert", x.id)).toBe(true);
    // and the catalog's contact rule uses it: the enterprise now sees the expert's contact details
    const { canSeeContact } = await import("~/models/catalog.server");
    const row = { id: x.id, orgId: w.uni2, status: "published", visibility: "public", publishedAt: new Date() };
    expect(await canSeeContact({ id: w.memberA.id, role: "member", orgIds: [w.entA] }, "expert", row)).toBe(true);
    expect(await canSeeContact({ id: w.memberB.id, role: "member", orgIds: [w.entB] }, "expert", row)).toBe(false);
    // the institute's side may see the enterprise's needs' contacts too; another enterprise may not
    const [n] = await sql<{ id: number }[]>`insert into need (org_id, title, description, status, visibility, published_at, field) values (${w.entA}, '联系方式测试需求', '', 'published', 'public', now(), '新材料') returning id`;
    expect(await contactGrantedByAcceptedRequest(w.uni2Member.id, "need", n.id)).toBe(true);
    expect(await contactGrantedByAcceptedRequest(w.memberB.id, "expert", x.id)).toBe(false);
  });
});
