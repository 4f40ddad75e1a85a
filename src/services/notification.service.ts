import { type EntityManager } from 'typeorm';
import { type Actor } from '../auth/actor';
import { type SqlRunner } from '../database/sql-runner';
import { StartQuery, type StartRow } from '../database/start-query';
import { notFound } from '../errors/cli-error';
import { type Page, type PageRequest } from './pagination';
import { returningRows } from './returning-rows';

export async function countUnread(manager: EntityManager, recipientId: number): Promise<number> {
  const [{ count }]: { count: string }[] = await manager.query(
    'SELECT count(*) AS count FROM notifications WHERE recipient_id = $1 AND read_at IS NULL',
    [recipientId],
  );
  return Number(count);
}

export interface NotificationRecord {
  id: number;
  kind: string;
  message: string;
  entityType: string | null;
  entityId: number | null;
  createdAt: Date;
  readAt: Date | null;
}

interface NotificationRow {
  id: number;
  kind: string;
  message: string;
  entity_type: string | null;
  entity_id: number | null;
  created_at: Date;
  read_at: Date | null;
}

const toRecord = (row: NotificationRow): NotificationRecord => ({
  id: row.id,
  kind: row.kind,
  message: row.message,
  entityType: row.entity_type,
  entityId: row.entity_id,
  createdAt: new Date(row.created_at),
  readAt: row.read_at ? new Date(row.read_at) : null,
});

/** The caller's own notifications, newest first; `--cursor N` continues with older ones. */
export async function listNotifications(db: SqlRunner, actor: Actor, unreadOnly: boolean, page: PageRequest): Promise<Page<NotificationRecord>> {
  const rows: NotificationRow[] = await db.query(
    `SELECT id, kind, message, entity_type, entity_id, created_at, read_at
       FROM notifications
      WHERE recipient_id = $1 AND ($2::boolean IS FALSE OR read_at IS NULL) AND ($3::integer IS NULL OR id < $3)
      ORDER BY id DESC LIMIT $4`,
    [actor.id, unreadOnly, page.cursor ?? null, page.limit + 1],
  );
  const records = rows.map(toRecord);
  if (records.length <= page.limit) return { items: records };
  const items = records.slice(0, page.limit);
  return { items, nextCursor: items[items.length - 1].id };
}

/**
 * Marks one of the caller's notifications read. Someone else's is "not found": it must not even
 * be confirmed to exist.
 */
export async function markRead(db: SqlRunner, actor: Actor, id: number): Promise<NotificationRecord> {
  return db.transaction(async (manager) => {
    const rows = await returningRows<NotificationRow>(
      manager,
      `UPDATE notifications SET read_at = COALESCE(read_at, now())
        WHERE id = $1 AND recipient_id = $2
        RETURNING id, kind, message, entity_type, entity_id, created_at, read_at`,
      [id, actor.id],
    );
    if (rows.length === 0) throw notFound('notification', id);
    return toRecord(rows[0]);
  });
}

export async function markAllRead(db: SqlRunner, actor: Actor): Promise<number> {
  return db.transaction(async (manager) => {
    const rows = await returningRows<{ id: number }>(
      manager,
      'UPDATE notifications SET read_at = now() WHERE recipient_id = $1 AND read_at IS NULL RETURNING id',
      [actor.id],
    );
    return rows.length;
  });
}

export const UPCOMING_WINDOW_DAYS = 7;

/**
 * Tells each sales contact about their clients' events starting within 7 days. Run lazily at the
 * start of authenticated commands, so it must cost next to nothing when there is nothing new: a
 * first query reads only two indexes (the events in the window, the reminders already sent) and
 * usually returns no row; the reminders themselves are written only for the events it returns.
 * An event is announced once, to the sales contact of its client at that moment; the partial
 * unique index keeps two commands running at the same moment from announcing it twice.
 */
export async function notifyUpcomingEvents(db: SqlRunner, now = new Date()): Promise<void> {
  const start = withUpcomingEvents(new StartQuery(), now);
  const [row] = await db.query<StartRow>(`SELECT ${start.selectList}`, start.params);
  await announceUpcomingEvents(db, row.upcoming as number[]);
}

/**
 * Adds the ids of the events `notifyUpcomingEvents` would announce to `start`, as the column
 * `upcoming` (an array, usually empty): the CLI reads it with its schema check and caller.
 */
export function withUpcomingEvents(start: StartQuery, now: Date): StartQuery {
  const from = start.param(now);
  return start.column(
    'upcoming',
    `ARRAY(SELECT e.id FROM events e
            WHERE e.start_at >= ${from} AND e.start_at < ${from}::timestamptz + make_interval(days => ${start.param(UPCOMING_WINDOW_DAYS)})
              AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.kind = 'event_upcoming' AND n.entity_id = e.id))`,
  );
}

/** Writes the reminders of the events `withUpcomingEvents` found (nothing to do, and no query, when none). */
export async function announceUpcomingEvents(db: SqlRunner, eventIds: number[]): Promise<void> {
  if (eventIds.length === 0) return;
  await db.query(
    `INSERT INTO notifications (recipient_id, kind, message, entity_type, entity_id)
     SELECT c.sales_contact_id, 'event_upcoming',
            left(format('event %s "%s" of %s starts on %s UTC', e.id, e.name, c.full_name, to_char(e.start_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI')), 500),
            'event', e.id
       FROM events e
       JOIN contracts k ON k.id = e.contract_id
       JOIN clients c ON c.id = k.client_id
      WHERE e.id = ANY($1::integer[])
     ON CONFLICT (tenant_id, kind, entity_id, recipient_id) WHERE kind = 'event_upcoming' DO NOTHING`,
    [eventIds.map(Number)],
  );
}
