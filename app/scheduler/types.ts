// The scheduler's input and output. Plain data, no database ids' meaning assumed beyond
// identity: app/models/schedule.server.ts maps the event's rows to these and back.

/** A meeting time slot. Times in epoch milliseconds; slots do not overlap (the DB guarantees it). */
export type SlotIn = { id: number; startsAt: number; endsAt: number };

/** A table or room; capacity counts seats. */
export type TableIn = { id: number; capacity: number };

/** A time range in epoch milliseconds, [start, end). */
export type Range = { start: number; end: number };

/**
 * An event participant. `availability` null or empty = available for the whole event; otherwise
 * a slot is usable when it lies entirely inside one of the ranges.
 */
export type ParticipantIn = {
  id: number;
  availability?: readonly Range[] | null;
  /** slot ids in which the participant is already busy otherwise (a talk, a signing): treated like a kept meeting */
  busySlots?: readonly number[] | null;
};

/**
 * An accepted meeting request: its parties (participant ids; 2 for a 1:1, up to a table's
 * capacity for a group) and its value (higher = more worth placing; see requestValue()).
 */
export type RequestIn = { id: number; parties: readonly number[]; value: number };

/** A live meeting that must not move (placed earlier by the scheduler or by an organizer). */
export type FixedIn = { id: number; requestId?: number | null; slotId: number; tableId: number; parties: readonly number[] };

export type Placement = { requestId: number; slotId: number; tableId: number };

/**
 * Why a request could not be placed, most basic first:
 * - invalid_request: fewer than two distinct parties
 * - party_not_participant: a party is not among the event's (approved) participants
 * - no_table_big_enough: the party is larger than every table
 * - party_unavailable: a party is available in none of the slots
 * - no_common_slot: every party is available sometime, but never all at once
 * - parties_busy: in every common slot some party already sits in another meeting
 * - no_free_table: in some common slot all parties are free, but every big-enough table is taken
 */
export type UnplacedReason =
  | "invalid_request"
  | "party_not_participant"
  | "no_table_big_enough"
  | "party_unavailable"
  | "no_common_slot"
  | "parties_busy"
  | "no_free_table";

export const UNPLACED_REASONS: readonly UnplacedReason[] = [
  "invalid_request",
  "party_not_participant",
  "no_table_big_enough",
  "party_unavailable",
  "no_common_slot",
  "parties_busy",
  "no_free_table",
];

/** `participants`: the parties the reason is about (the missing, unavailable or busy ones), when it names some. */
export type Unplaced = { requestId: number; reason: UnplacedReason; participants: number[] };

export type ScheduleInput = {
  slots: readonly SlotIn[];
  tables: readonly TableIn[];
  participants: readonly ParticipantIn[];
  requests: readonly RequestIn[];
  fixed?: readonly FixedIn[];
};

export type ScheduleOptions = {
  /** wall-clock budget for the improvement phase in ms (default 2,000); the greedy phase always runs */
  improveMs?: number;
  /** cap on improvement passes over the unplaced requests (default 50) */
  maxPasses?: number;
};

export type ScheduleResult = {
  placements: Placement[];
  unplaced: Unplaced[];
  placedValue: number;
  /** value of the greedy phase alone, before the improvement phase (for the bench and the decision record) */
  greedyValue: number;
  passes: number;
};
