import { describe, expect, test } from "vitest";
import { sql } from "../../db/client.server";
import { recordAgreement } from "~/models/agreement.server";
import { moveIntent } from "~/models/intent.server";
import { addSigning, moveSigning, removeSigning, saveSignatories, signingCandidates, signingList } from "~/models/signing.server";
import { loader as printLoader } from "~/routes/events.$id_.signing_.print";
import { action as signingAction, loader as signingLoader } from "~/routes/events.$id_.signing";
import { actor, auditActions, getRequest, makeEvent, makeIntent, pipelineCounts, postRequest, refusal, run, world } from "./helpers";

const w = await world();
const org = actor(w.organizer);

async function order(eventId: number) {
  return (await signingList(eventId)).map((e) => [e.position, e.intent.id]);
}

describe("signing list", () => {
  test("add in running order, reorder, name signatories, remove (the rest close up)", async () => {
    const ev = await makeEvent();
    const a = await makeIntent(w, { eventId: ev.id });
    const b = await makeIntent(w, { eventId: ev.id, enterpriseOrgId: w.entB });
    const c = await makeIntent(w, { eventId: ev.id, institutionOrgId: w.uni2 });
    const ea = await addSigning(org, { eventId: ev.id, intent: a.id, enterpriseSignatory: "张总经理", institutionSignatory: "李副校长" });
    const eb = await addSigning(org, { eventId: ev.id, intent: String(b.id) });
    await addSigning(org, { eventId: ev.id, intent: c.id });
    expect(await order(ev.id)).toEqual([[1, a.id], [2, b.id], [3, c.id]]);

    await moveSigning(org, { eventId: ev.id, id: eb.id, version: 1, direction: "up" });
    expect(await order(ev.id)).toEqual([[1, b.id], [2, a.id], [3, c.id]]);
    // the top one cannot go further up: nothing changes
    const top = (await signingList(ev.id))[0];
    expect((await moveSigning(org, { eventId: ev.id, id: top.id, version: top.version, direction: "up" })).moved).toBe(false);

    const entryA = (await signingList(ev.id)).find((e) => e.id === ea.id);
    await saveSignatories(org, { eventId: ev.id, id: ea.id, version: entryA?.version ?? 0, enterpriseSignatory: "张　总（董事长）", institutionSignatory: "" });
    const savedA = (await signingList(ev.id)).find((e) => e.id === ea.id);
    expect(savedA).toMatchObject({ enterpriseSignatory: "张　总（董事长）", institutionSignatory: null });

    await removeSigning(org, { eventId: ev.id, id: eb.id, version: (await signingList(ev.id))[0].version });
    expect(await order(ev.id)).toEqual([[1, a.id], [2, c.id]]);
    // a swap is one audit row, on the entry that was moved (it names the neighbour)
    expect(await auditActions("event_signing", ea.id)).toEqual(["event_signing.add", "event_signing.signatories"]);
    expect(await auditActions("event_signing", eb.id)).toEqual(["event_signing.add", "event_signing.move", "event_signing.remove"]);
  });

  test("the project read out: the on-stage agreement's title, else the result/need, else the summary's first sentence", async () => {
    const ev = await makeEvent();
    const i = await makeIntent(w, { eventId: ev.id, summary: "共建新能源汽车轻量化联合实验室。首期三年。" });
    await addSigning(org, { eventId: ev.id, intent: i.id });
    expect((await signingList(ev.id))[0].intent.project).toBe("共建新能源汽车轻量化联合实验室");
    await recordAgreement(org, { intentId: i.id, title: "轻量化联合实验室共建协议", kind: "共建研发平台", amountWan: 200, signedOn: "2017-09-20", signedOnStage: true, eventId: ev.id });
    const [entry] = await signingList(ev.id);
    expect(entry.intent.project).toBe("轻量化联合实验室共建协议");
    expect(entry.agreement?.amountWan).toBe(200);
  });

  test("candidates: agreements at this event first, then the event's intents, then open deals elsewhere; not listed, dropped or completed", async () => {
    const ev = await makeEvent();
    const a = await makeIntent(w, { eventId: ev.id });
    const b = await makeIntent(w, { eventId: ev.id });
    const d = await makeIntent(w, { eventId: ev.id });
    await moveIntent(org, { id: d.id, version: 1, to: "dropped", reason: "暂缓" });
    await addSigning(org, { eventId: ev.id, intent: a.id });
    const elsewhere = await makeIntent(w);
    await moveIntent(org, { id: elsewhere.id, version: 1, to: "negotiating" });
    const quiet = await makeIntent(w);
    const signedHere = await makeIntent(w);
    await recordAgreement(org, { intentId: signedHere.id, title: "签约", kind: "技术转让", amountWan: 1, signedOn: "2017-09-20", signedOnStage: true, eventId: ev.id });
    const ids = (await signingCandidates(ev.id)).map((c) => c.id);
    expect(ids.slice(0, 2)).toEqual([signedHere.id, b.id]);
    expect(ids).toContain(elsewhere.id);
    for (const gone of [a.id, d.id, quiet.id]) expect(ids).not.toContain(gone);
  });

  describe("refused, nothing written", () => {
    test("the same intent twice, a dropped intent, an unknown one, a cancelled event, a too-long signatory", async () => {
      const ev = await makeEvent();
      const a = await makeIntent(w, { eventId: ev.id });
      await addSigning(org, { eventId: ev.id, intent: a.id });
      const d = await makeIntent(w);
      await moveIntent(org, { id: d.id, version: 1, to: "dropped", reason: "暂缓" });
      const cancelled = await makeEvent({ status: "cancelled" });
      const before = await pipelineCounts();
      expect(await refusal(addSigning(org, { eventId: ev.id, intent: a.id }))).toMatchObject({ status: 409, message: "pipeline.errors.alreadyListed" });
      expect(await refusal(addSigning(org, { eventId: ev.id, intent: d.id }))).toMatchObject({ status: 409, message: "pipeline.errors.signingIntentDropped" });
      expect(await refusal(addSigning(org, { eventId: ev.id, intent: "I-NOPE" }))).toMatchObject({ status: 400, message: "pipeline.errors.intentNotFound" });
      expect(await refusal(addSigning(org, { eventId: cancelled.id, intent: a.id }))).toMatchObject({ status: 409, message: "pipeline.errors.eventCancelled" });
      expect(await refusal(addSigning(org, { eventId: ev.id, intent: a.id, enterpriseSignatory: "长".repeat(101) }))).toMatchObject({
        status: 400, message: "pipeline.errors.signatoryTooLong", field: "enterpriseSignatory",
      });
      expect(await pipelineCounts()).toEqual(before);
    });

    test("two organizers reorder from the same page: the second gets the conflict message", async () => {
      const ev = await makeEvent();
      const a = await makeIntent(w, { eventId: ev.id });
      const b = await makeIntent(w, { eventId: ev.id });
      await addSigning(org, { eventId: ev.id, intent: a.id });
      const eb = await addSigning(org, { eventId: ev.id, intent: b.id });
      await moveSigning(org, { eventId: ev.id, id: eb.id, version: 1, direction: "up" });
      const before = await order(ev.id);
      expect(await refusal(moveSigning(actor(w.admin), { eventId: ev.id, id: eb.id, version: 1, direction: "up" }))).toMatchObject({
        status: 409, message: "pipeline.errors.signingStale",
      });
      expect(await refusal(saveSignatories(actor(w.admin), { eventId: ev.id, id: eb.id, version: 1, enterpriseSignatory: "王总" }))).toMatchObject({
        status: 409, message: "pipeline.errors.signingStale",
      });
      expect(await order(ev.id)).toEqual(before);
    });
  });
});

describe("signing pages", () => {
  test("manage page by event ref; add through the form; print page lists the running order", async () => {
    const ev = await makeEvent({ ref: "TEV-SIGN-1" });
    const i = await makeIntent(w, { eventId: ev.id });
    await sql`update intent set ref = 'TI-SIGN-1' where id = ${i.id}`;
    const page = await run(() => signingLoader({ request: getRequest("/events/TEV-SIGN-1/signing", { cookie: w.organizer.cookie }), params: { id: "TEV-SIGN-1" }, context: {} }));
    expect(page.status).toBe(200);
    expect(page.data).toMatchObject({ canManage: true, entries: [] });

    const added = await run(() =>
      signingAction({
        request: postRequest("/events/TEV-SIGN-1/signing", { intent: "add", intentRef: "ti-sign-1", enterpriseSignatory: "张总", institutionSignatory: "李校长" }, { cookie: w.organizer.cookie }),
        params: { id: "TEV-SIGN-1" },
        context: {},
      }),
    );
    expect(added.status).toBe(302);
    expect(added.location).toBe("/events/TEV-SIGN-1/signing");

    const print = await run(() => printLoader({ request: getRequest(`/events/${ev.id}/signing/print`, { cookie: w.organizer.cookie }), params: { id: String(ev.id) }, context: {} }));
    expect(print.data).toMatchObject({ event: { id: ev.id }, entries: [{ position: 1, enterpriseSignatory: "张总", institutionSignatory: "李校长", intent: { id: i.id } }] });

    const twice = await run(() =>
      signingAction({ request: postRequest("/events/TEV-SIGN-1/signing", { intent: "add", pick: String(i.id) }, { cookie: w.organizer.cookie }), params: { id: "TEV-SIGN-1" }, context: {} }),
    );
    expect(twice.status).toBe(409);
    expect(twice.data).toMatchObject({ error: "pipeline.errors.alreadyListed" });

    const nothing = await run(() =>
      signingAction({ request: postRequest("/events/TEV-SIGN-1/signing", { intent: "add", pick: "", intentRef: "　" }, { cookie: w.organizer.cookie }), params: { id: "TEV-SIGN-1" }, context: {} }),
    );
    expect(nothing.status).toBe(400);
    expect(nothing.data).toMatchObject({ error: "pipeline.errors.pickIntent" });

    const unknown = await run(() =>
      signingAction({ request: postRequest("/events/TEV-SIGN-1/signing", { intent: "shuffle" }, { cookie: w.organizer.cookie }), params: { id: "TEV-SIGN-1" }, context: {} }),
    );
    expect(unknown.status).toBe(400);
  });

  test("members get 403, anonymous visitors go to the login page, unknown events 404", async () => {
    const ev = await makeEvent();
    const asMember = await run(() => signingLoader({ request: getRequest(`/events/${ev.id}/signing`, { cookie: w.memberA.cookie }), params: { id: String(ev.id) }, context: {} }));
    expect(asMember.status).toBe(403);
    const memberPost = await run(() =>
      signingAction({ request: postRequest(`/events/${ev.id}/signing`, { intent: "add", pick: "1" }, { cookie: w.memberA.cookie }), params: { id: String(ev.id) }, context: {} }),
    );
    expect(memberPost.status).toBe(403);
    const anon = await run(() => printLoader({ request: getRequest(`/events/${ev.id}/signing/print`), params: { id: String(ev.id) }, context: {} }));
    expect(anon.status).toBe(302);
    const missing = await run(() => signingLoader({ request: getRequest("/events/EV-NONE/signing", { cookie: w.organizer.cookie }), params: { id: "EV-NONE" }, context: {} }));
    expect(missing.status).toBe(404);
  });
});
