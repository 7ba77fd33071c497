import type { LoaderFunctionArgs } from "@remix-run/node";
import { getMySchedule, getParticipantSchedule, type ParticipantSchedule, type ScheduleEvent } from "~/models/schedule.server";
import { toIcs } from "~/scheduler/ics";
import { requireUser } from "~/utils/auth.server";
import { getT } from "~/utils/i18n";
import { getLocale } from "~/utils/locale.server";

// GET /events/:id/ics[?participant=ID]: a participant's meetings as an iCalendar file (RFC 5545,
// app/scheduler/ics.ts). Without ?participant, the signed-in user's own (first) participant.
// Who may download what is decided in the model: one's own once published; staff any.

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const t = getT(await getLocale(request));
  const raw = new URL(request.url).searchParams.get("participant");
  let event: ScheduleEvent;
  let schedule: ParticipantSchedule;
  if (raw !== null) {
    const id = Number(raw);
    if (!Number.isSafeInteger(id) || id <= 0) throw new Response("Bad participant", { status: 400 });
    ({ event, schedule } = await getParticipantSchedule(user, params.id, id));
  } else {
    const mine = await getMySchedule(user, params.id);
    if (mine.state !== "published" || !mine.schedules.length) throw new Response("Not found", { status: 404 });
    event = mine.event;
    schedule = mine.schedules[0];
  }
  const host = new URL(request.url).host;
  const body = toIcs({
    calendarName: `${event.name} · ${schedule.name}`,
    events: schedule.entries.map((e) => ({
      uid: `qiao-meeting-${e.meetingId}-p${schedule.participantId}@${host}`,
      start: new Date(e.slot.startsAt),
      end: new Date(e.slot.endsAt),
      summary: t("schedule.ics.summary", { with: e.with.join("、") }),
      location: t("schedule.ics.location", { venue: event.venue ?? event.city ?? "", table: e.table.label }).trim(),
      description: `${event.name}\n${t("schedule.columns.code")}: ${schedule.code}`,
    })),
  });
  return new Response(body, {
    headers: {
      "Content-Type": "text/calendar; charset=utf-8",
      "Content-Disposition": `attachment; filename="qiao-${event.id}-${schedule.participantId}.ics"`,
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
