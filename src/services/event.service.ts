import { type EntityManager, type SelectQueryBuilder } from 'typeorm';
import { type Actor } from '../auth/actor';
import { describeSlot, type ScheduledEvent, utcMinute } from '../domain/schedule';
import { Contract } from '../entities/contract.entity';
import { Employee } from '../entities/employee.entity';
import { Event } from '../entities/event.entity';
import { type SqlRunner } from '../database/sql-runner';
import { conflict, fieldText, notFound, usageError, validationError } from '../errors/cli-error';
import { assertAllowed } from '../permissions/assert-allowed';
import { changedFields, recordAudit } from './audit.service';
import { assertAllowedOnClient, searchPattern } from './client.service';
import { notify } from './notify';
import { type Page, type PageRequest, applyKeyset, toPage } from './pagination';
import { returningRows } from './returning-rows';
import { updateVersioned } from './versioned-update';
import { checkEventTimes } from '../validation/event-fields';

/** An event as the CLI shows it, with its client reached through the contract. */
export interface EventRecord {
  id: number;
  name: string;
  contractId: number;
  clientId: number;
  clientName: string;
  clientEmail: string;
  clientPhone: string;
  supportContactId: number | null;
  supportContactName: string | null;
  startAt: Date;
  endAt: Date;
  location: string;
  attendees: number;
  notes: string;
  createdAt: Date;
  updatedAt: Date;
  version: number;
}

export interface EventFilters {
  /** SUPPORT: events assigned to them; SALES: events of the clients they own. */
  mine?: boolean;
  /** Only events nobody supports yet. */
  noSupport?: boolean;
  supportId?: number;
  clientId?: number;
  contractId?: number;
  /** Events starting at or after this instant. */
  from?: Date;
  /** Events starting strictly before this instant. */
  to?: Date;
  /** Case-insensitive substring of the event's name or location, or of its client's full name, email or company name. */
  search?: string;
}

export interface NewEvent {
  contractId: number;
  name: string;
  startAt: Date;
  endAt: Date;
  location: string;
  attendees: number;
  notes?: string;
}

export interface EventChanges {
  name?: string;
  startAt?: Date;
  endAt?: Date;
  location?: string;
  attendees?: number;
  notes?: string;
  /** An employee id, or null to leave the event without support. */
  supportContactId?: number | null;
}

export interface SupportChoice {
  id: number;
  name: string;
  email: string;
  /** Another event of theirs at the time of the event being assigned, if any. */
  busyWith?: ScheduledEvent;
}

export type { ScheduledEvent };

export interface UpdateEventOptions {
  /** Let the support person be at another event at the same time (`--allow-overlap`). */
  allowOverlap?: boolean;
}

const EDITABLE_FIELDS = ['name', 'startAt', 'endAt', 'location', 'attendees', 'notes', 'supportContactId'] as const;
/** Column of each editable field, for the versioned UPDATE. */
const COLUMNS: Record<(typeof EDITABLE_FIELDS)[number], string> = {
  name: 'name',
  startAt: 'start_at',
  endAt: 'end_at',
  location: 'location',
  attendees: 'attendees',
  notes: 'notes',
  supportContactId: 'support_contact_id',
};
const AUDITED_FIELDS: (keyof EventRecord & string)[] = ['contractId', ...EDITABLE_FIELDS];

function baseQuery(manager: EntityManager): SelectQueryBuilder<Event> {
  return manager
    .createQueryBuilder(Event, 'event')
    .innerJoinAndSelect('event.contract', 'contract')
    .innerJoinAndSelect('contract.client', 'client')
    .leftJoinAndSelect('event.supportContact', 'support');
}

function toRecord(event: Event): EventRecord {
  const client = event.contract?.client;
  const support = event.supportContact;
  return {
    id: event.id,
    name: event.name,
    contractId: event.contractId,
    clientId: client?.id ?? 0,
    clientName: client?.fullName ?? '',
    clientEmail: client?.email ?? '',
    clientPhone: client?.phone ?? '',
    supportContactId: event.supportContactId,
    supportContactName: support ? `${support.firstName} ${support.lastName}` : null,
    startAt: event.startAt,
    endAt: event.endAt,
    location: event.location,
    attendees: event.attendees,
    notes: event.notes,
    createdAt: event.createdAt,
    updatedAt: event.updatedAt,
    version: event.version,
  };
}

async function findEvent(manager: EntityManager, id: number): Promise<Event> {
  const event = await baseQuery(manager).where('event.id = :id', { id }).getOne();
  if (!event) throw notFound('event', id);
  return event;
}

const staleWrite = (id: number) => conflict(`event ${id} was changed by someone else; show it again and retry`);

const describe = (event: Pick<EventRecord, 'id' | 'name' | 'startAt'>) => `event #${event.id} "${event.name}" (${utcMinute(event.startAt)} UTC)`;

/**
 * `--search`: the event's name or location, or its client's details (the rule of `client list
 * --search`). The ids come from the database function matching_event_ids (docs/tenancy.md), a union
 * of two branches, each on one table with its trigram indexes (events', then clients' reached back
 * through contracts); the matching ids then select the page by primary key.
 */
const EVENT_SEARCH = `event.id = ANY(ARRAY(SELECT matching_event_ids(:pattern)))`;

export async function listEvents(db: SqlRunner, actor: Actor, filters: EventFilters, page: PageRequest): Promise<Page<EventRecord>> {
  assertAllowed(actor, 'event.read');
  if (filters.noSupport && filters.supportId !== undefined) throw usageError(fieldText`{noSupport} and {supportId} cannot be used together`);
  if (filters.from && filters.to && filters.to <= filters.from) throw validationError(fieldText`{to} must be after {from}`);
  if (filters.mine && actor.role !== 'SUPPORT' && actor.role !== 'SALES') {
    throw usageError(fieldText`{mine} is for SUPPORT (events assigned to you) and SALES (events of your clients)`);
  }
  const filtered = () => {
    const query = baseQuery(db.manager);
    if (filters.mine && actor.role === 'SUPPORT') query.andWhere('event.supportContactId = :me', { me: actor.id });
    if (filters.mine && actor.role === 'SALES') query.andWhere('client.salesContactId = :me', { me: actor.id });
    if (filters.noSupport) query.andWhere('event.supportContactId IS NULL');
    if (filters.supportId !== undefined) query.andWhere('event.supportContactId = :supportId', { supportId: filters.supportId });
    if (filters.clientId !== undefined) query.andWhere('contract.clientId = :clientId', { clientId: filters.clientId });
    if (filters.contractId !== undefined) query.andWhere('event.contractId = :contractId', { contractId: filters.contractId });
    // Half-open range [from, to): consecutive ranges never list an event twice.
    if (filters.from) query.andWhere('event.startAt >= :from', { from: filters.from });
    if (filters.to) query.andWhere('event.startAt < :to', { to: filters.to });
    if (filters.search !== undefined) query.andWhere(EVENT_SEARCH, { pattern: searchPattern(filters.search) });
    return query;
  };
  if (filters.mine && actor.role === 'SUPPORT') return toPage((await upcomingFirst(db.manager, filtered, page)).map(toRecord), page);
  const events = await applyKeyset(filtered(), 'event.id', page).getMany();
  return toPage(events.map(toRecord), page);
}

/**
 * The order of a SUPPORT employee's own list (`--mine`): what they run next comes first. First
 * the events not over yet (one under way included), then those over, the latest first; each part
 * in the order the events end, by (end, id), which for one person is the order they start (the
 * assignment check keeps their events from overlapping, unless allowed) and keeps each part a
 * range of the index on (support, end, id). The cursor stays the last event's id: its end, read
 * again, says in which part and where the next page begins. An event that ends between two pages
 * moves to the second part, so it may be missed or shown twice.
 */
async function upcomingFirst(manager: EntityManager, filtered: () => SelectQueryBuilder<Event>, page: PageRequest): Promise<Event[]> {
  const now = new Date();
  const cursor = page.cursor === undefined ? undefined : await manager.findOne(Event, { where: { id: page.cursor }, select: { id: true, endAt: true } });
  if (page.cursor !== undefined && !cursor) {
    throw validationError(fieldText`{cursor} ${page.cursor} is no longer an event (deleted since the last page)`, 'list again from the first page');
  }
  const wanted = page.limit + 1;
  const after = cursor ? { cursorEnd: cursor.endAt, cursorId: cursor.id } : {};
  const rows: Event[] = [];
  if (!cursor || cursor.endAt > now) {
    const upcoming = filtered().andWhere('event.endAt > :now', { now });
    if (cursor) upcoming.andWhere('(event.endAt, event.id) > (:cursorEnd, :cursorId)', after);
    rows.push(...(await upcoming.orderBy('event.endAt', 'ASC').addOrderBy('event.id', 'ASC').limit(wanted).getMany()));
  }
  if (rows.length < wanted) {
    const over = filtered().andWhere('event.endAt <= :now', { now });
    if (cursor && cursor.endAt <= now) over.andWhere('(event.endAt, event.id) < (:cursorEnd, :cursorId)', after);
    rows.push(...(await over.orderBy('event.endAt', 'DESC').addOrderBy('event.id', 'DESC').limit(wanted - rows.length).getMany()));
  }
  return rows;
}

export async function getEvent(db: SqlRunner, actor: Actor, id: number): Promise<EventRecord> {
  assertAllowed(actor, 'event.read');
  return toRecord(await findEvent(db.manager, id));
}

/**
 * Active SUPPORT employees, for the support prompt of `event update`; with the event's time slot,
 * each one says whether another of their events overlaps it (the rule of the assignment check).
 */
export async function supportChoices(db: SqlRunner, slot?: ScheduledEvent): Promise<SupportChoice[]> {
  const manager = db.manager;
  const employees = await manager.find(Employee, {
    where: { role: 'SUPPORT', isActive: true },
    order: { lastName: 'ASC', firstName: 'ASC', id: 'ASC' },
  });
  const choices: SupportChoice[] = [];
  for (const e of employees) {
    const busyWith = slot ? await firstOverlap(manager, e.id, slot) : undefined;
    choices.push({ id: e.id, name: `${e.firstName} ${e.lastName}`, email: e.email, ...(busyWith ? { busyWith } : {}) });
  }
  return choices;
}

/**
 * The SALES owner of the contract's client creates its event, only once the contract is signed.
 * Nobody supports it yet, so every active manager is told it needs someone.
 */
export async function createEvent(db: SqlRunner, actor: Actor, input: NewEvent): Promise<EventRecord> {
  assertAllowed(actor, 'event.create');
  checkEventTimes(input.startAt, input.endAt);
  return db.transaction(async (manager) => {
    const contract = await manager
      .createQueryBuilder(Contract, 'contract')
      .innerJoinAndSelect('contract.client', 'client')
      .where('contract.id = :id', { id: input.contractId })
      .getOne();
    if (!contract) throw notFound('contract', input.contractId);
    await assertAllowedOnClient(manager, actor, 'event.create', contract.clientId);
    if (!contract.isSigned) {
      throw conflict(`contract ${contract.id} is not signed: events can only be created for signed contracts`);
    }
    const inserted = await manager.insert(Event, {
      contractId: contract.id,
      name: input.name,
      startAt: input.startAt,
      endAt: input.endAt,
      location: input.location,
      attendees: input.attendees,
      notes: input.notes ?? '',
      supportContactId: null,
    });
    const id = Number((inserted.identifiers[0] as { id: number }).id);
    const created = toRecord(await findEvent(manager, id));
    await recordAudit(manager, {
      actor,
      action: 'event.create',
      entityType: 'event',
      entityId: id,
      changes: changedFields<EventRecord>(null, created, AUDITED_FIELDS),
    });
    const managers = await manager.find(Employee, { select: { id: true }, where: { role: 'MANAGEMENT', isActive: true } });
    await notify(
      manager,
      managers.map((m) => m.id),
      {
        kind: 'event_needs_support',
        message: `New ${describe(created)} for ${created.clientName} has no support person yet`,
        entityType: 'event',
        entityId: id,
      },
    );
    return created;
  });
}

/**
 * MANAGEMENT edits any event and alone chooses its support person; SUPPORT edits only the events
 * assigned to them. The write is guarded by the version read (or `expectedVersion`), so of two
 * concurrent edits one wins and the other is refused rather than silently overwritten. An event
 * given a support person, or moved while it has one, must not overlap another of that person's
 * events unless `allowOverlap` says so.
 */
export async function updateEvent(
  db: SqlRunner,
  actor: Actor,
  id: number,
  changes: EventChanges,
  expectedVersion?: number,
  options: UpdateEventOptions = {},
): Promise<EventRecord> {
  assertAllowed(actor, 'event.update');
  if (changes.supportContactId !== undefined) assertAllowed(actor, 'event.assign-support');
  const given = EDITABLE_FIELDS.filter((field) => changes[field] !== undefined);
  if (given.length === 0) {
    throw usageError('nothing to update', fieldText`pass at least one of {name}, {startAt}, {endAt}, {location}, {attendees}, {notes}, {supportContactId}`);
  }
  if (changes.startAt && changes.endAt) checkEventTimes(changes.startAt, changes.endAt);
  return db.transaction(async (manager) => {
    const event = await findEvent(manager, id);
    assertAllowed(actor, 'event.update', () => event.supportContactId === actor.id);
    const version = expectedVersion ?? event.version;
    if (version !== event.version) throw staleWrite(id);

    const before = toRecord(event);
    const after: EventRecord = { ...before };
    for (const field of given) Object.assign(after, { [field]: changes[field] });
    if (after.endAt <= after.startAt) {
      throw conflict(
        `the event would end (${after.endAt.toISOString()}) before it starts (${after.startAt.toISOString()})`,
        fieldText`change {startAt} and {endAt} together`,
      );
    }
    const fieldChanges = changedFields<EventRecord>(before, after, [...EDITABLE_FIELDS]);
    if (Object.keys(fieldChanges).length === 0) return before;
    const supportChanged = 'supportContactId' in fieldChanges;
    if (after.supportContactId !== null && (supportChanged || 'startAt' in fieldChanges || 'endAt' in fieldChanges)) {
      const person = await lockSchedule(manager, after.supportContactId);
      if (supportChanged) assertCanSupport(person);
      if (!options.allowOverlap) await assertNoOverlap(manager, person, after);
    }

    const set: Record<string, unknown> = {};
    for (const field of Object.keys(fieldChanges) as (typeof EDITABLE_FIELDS)[number][]) set[COLUMNS[field]] = after[field];
    await updateVersioned(manager, { table: 'events', entity: 'event', id, expectedVersion: version, set });

    await recordAudit(manager, {
      actor,
      action: supportChanged ? 'event.assign-support' : 'event.update',
      entityType: 'event',
      entityId: id,
      changes: fieldChanges,
    });
    const updated = toRecord(await findEvent(manager, id));
    if (supportChanged) await notifySupportChange(manager, before.supportContactId, updated);
    return updated;
  });
}

export async function deleteEvent(db: SqlRunner, actor: Actor, id: number): Promise<EventRecord> {
  assertAllowed(actor, 'event.delete');
  return db.transaction(async (manager) => {
    const event = toRecord(await findEvent(manager, id));
    const rows = await returningRows<{ id: number }>(manager, 'DELETE FROM events WHERE id = $1 RETURNING id', [id]);
    if (rows.length === 0) throw notFound('event', id);
    await recordAudit(manager, {
      actor,
      action: 'event.delete',
      entityType: 'event',
      entityId: id,
      changes: changedFields<EventRecord>(event, {}, AUDITED_FIELDS),
    });
    if (event.supportContactId !== null) {
      await notify(manager, [event.supportContactId], {
        kind: 'event_deleted',
        message: `${describe(event)}, which you supported, was deleted`,
        entityType: 'event',
        entityId: id,
      });
    }
    return event;
  });
}

/**
 * Locks a support person's schedule until commit: their employee row, FOR NO KEY UPDATE. Every
 * assignment to them and every move of one of their events takes this lock before it looks for
 * an overlap, so of two such changes the second checks only once the first has committed. (Locking
 * their events instead would not do: the event being assigned is not one of theirs yet.) It also
 * keeps the person from being deactivated or changing role meanwhile, and lets the foreign keys
 * of other rows pointing at them go on (those take KEY SHARE, which this lock allows).
 */
async function lockSchedule(manager: EntityManager, employeeId: number): Promise<Employee> {
  const employee = await manager
    .createQueryBuilder(Employee, 'employee')
    .setLock('for_no_key_update')
    .where('employee.id = :id', { id: employeeId })
    .getOne();
  if (!employee) throw notFound('employee', employeeId);
  return employee;
}

/** The support person must be an active SUPPORT employee. */
function assertCanSupport(employee: Employee): void {
  if (employee.role !== 'SUPPORT') {
    throw conflict(`employee ${employee.id} is ${employee.role}, not SUPPORT: only a SUPPORT employee can support an event`);
  }
  if (!employee.isActive) throw conflict(`employee ${employee.id} is deactivated and cannot support an event`);
}

/** Exit 6 when another event of the support person overlaps this one; call with the schedule locked. */
async function assertNoOverlap(manager: EntityManager, person: Employee, event: ScheduledEvent): Promise<void> {
  const other = await firstOverlap(manager, person.id, event);
  if (!other) return;
  throw conflict(
    `${person.firstName} ${person.lastName} (employee ${person.id}) already supports ${describeSlot(other)}, which overlaps ${describeSlot(event)}`,
    fieldText`choose another support person or other times, or pass {allowOverlap} if they really can be at both`,
  );
}

/**
 * The first other event of this support person whose time range meets the slot's. Ranges are
 * half-open, [start, end): an event ending at 18:00 and one starting at 18:00 do not overlap.
 * Served by events_support_start_idx (support_contact_id, start_at, id).
 */
async function firstOverlap(manager: EntityManager, employeeId: number, slot: ScheduledEvent): Promise<ScheduledEvent | undefined> {
  const rows: { id: number; name: string; start_at: Date | string; end_at: Date | string }[] = await manager.query(
    `SELECT id, name, start_at, end_at FROM events
      WHERE support_contact_id = $1 AND id <> $2 AND start_at < $4 AND end_at > $3
      ORDER BY start_at, id
      LIMIT 1`,
    [employeeId, slot.id, slot.startAt, slot.endAt],
  );
  const row = rows[0];
  return row && { id: Number(row.id), name: row.name, startAt: new Date(row.start_at), endAt: new Date(row.end_at) };
}

/**
 * Events just handed over to a support person (`employee delete --reassign-to`) must not overlap
 * each other or that person's own events: exit 6 naming the first clash. The caller holds the
 * person's row locked, which every schedule check takes first.
 */
export async function assertHandedOverEventsFit(manager: EntityManager, person: { id: number; firstName: string; lastName: string }, eventIds: number[]): Promise<void> {
  for (const id of eventIds) {
    const event = await findEvent(manager, id);
    const other = await firstOverlap(manager, person.id, event);
    if (!other) continue;
    throw conflict(
      `${person.firstName} ${person.lastName} (employee ${person.id}) cannot take over ${describeSlot(event)}: it overlaps ${describeSlot(other)}, which they would support too`,
      'hand the events over one at a time with `epicevents event update <id> --support <employee id>` (with --allow-overlap where one person really can be at both), then delete',
    );
  }
}

/**
 * Events handed over to another support person when their old one is deleted with
 * `--reassign-to`: the new one is told, exactly as for an assignment.
 */
export async function notifyEventsHandedOver(manager: EntityManager, eventIds: number[]): Promise<void> {
  for (const id of eventIds) await notifySupportChange(manager, null, toRecord(await findEvent(manager, id)));
}

/** The new support person learns of the assignment; the previous one of the unassignment. */
async function notifySupportChange(manager: EntityManager, previousId: number | null, event: EventRecord): Promise<void> {
  if (previousId !== null) {
    await notify(manager, [previousId], {
      kind: 'event_unassigned',
      message: `You are no longer the support person of ${describe(event)}`,
      entityType: 'event',
      entityId: event.id,
    });
  }
  if (event.supportContactId !== null) {
    await notify(manager, [event.supportContactId], {
      kind: 'event_assigned',
      message: `You are the support person of ${describe(event)} for ${event.clientName}, at ${event.location}`,
      entityType: 'event',
      entityId: event.id,
    });
  }
}
