import { describe, expect, it } from "vitest";
import { escapeText, foldLine, toIcs, utcStamp } from "~/scheduler/ics";

/** Unfolds (RFC 5545 §3.1) and splits into content lines. */
const unfold = (s: string) => s.replace(/\r\n /g, "").split("\r\n");

describe("ics serializer", () => {
  it("escapes TEXT values: backslash, semicolon, comma, newlines", () => {
    expect(escapeText("a\\b;c,d\ne\r\nf")).toBe("a\\\\b\\;c\\,d\\ne\\nf");
    // full-width punctuation is plain text, left alone
    expect(escapeText("甲公司，乙大学；洽谈")).toBe("甲公司，乙大学；洽谈");
  });

  it("writes UTC times", () => {
    expect(utcStamp(new Date("2026-11-20T09:30:00+08:00"))).toBe("20261120T013000Z");
  });

  it("folds long lines at 75 octets without splitting a Chinese character", () => {
    const line = `SUMMARY:${"洽谈".repeat(40)}`;
    const folded = foldLine(line);
    for (const part of folded.split("\r\n")) expect(new TextEncoder().encode(part).length).toBeLessThanOrEqual(75);
    expect(folded.replace(/\r\n /g, "")).toBe(line);
    expect(folded).not.toContain("\uFFFD");
    expect(foldLine("SHORT")).toBe("SHORT");
  });

  it("builds a calendar with CRLF line ends, one VEVENT per meeting, stable UIDs", () => {
    const ics = toIcs({
      calendarName: "科技人才洽谈会, 我的日程",
      now: new Date("2026-11-01T00:00:00Z"),
      events: [
        { uid: "meeting-17@qiao", start: new Date("2026-11-20T09:00:00+08:00"), end: new Date("2026-11-20T09:30:00+08:00"), summary: "洽谈：王教授（某某大学）; 李教授", location: "会展中心 A1", description: "签到码 AB12CD34\n请提前到场" },
        { uid: "meeting-18@qiao", start: new Date("2026-11-20T14:00:00+08:00"), end: new Date("2026-11-20T14:30:00+08:00"), summary: "洽谈：乙公司" },
      ],
    });
    expect(ics.endsWith("\r\n")).toBe(true);
    expect(ics.replace(/\r\n/g, "")).not.toMatch(/[\r\n]/);
    const lines = unfold(ics);
    expect(lines[0]).toBe("BEGIN:VCALENDAR");
    expect(lines).toContain("VERSION:2.0");
    expect(lines).toContain("X-WR-CALNAME:科技人才洽谈会\\, 我的日程");
    expect(lines.filter((l) => l === "BEGIN:VEVENT")).toHaveLength(2);
    expect(lines).toContain("UID:meeting-17@qiao");
    expect(lines).toContain("DTSTART:20261120T010000Z");
    expect(lines).toContain("DTEND:20261120T013000Z");
    expect(lines).toContain("DTSTAMP:20261101T000000Z");
    expect(lines).toContain("SUMMARY:洽谈：王教授（某某大学）\\; 李教授");
    expect(lines).toContain("DESCRIPTION:签到码 AB12CD34\\n请提前到场");
    expect(lines.at(-2)).toBe("END:VCALENDAR");
  });
});
