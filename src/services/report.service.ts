import { type EntityManager } from 'typeorm';
import { type Actor } from '../auth/actor';
import { type SqlRunner } from '../database/sql-runner';
import { assertAllowed } from '../permissions/assert-allowed';
import { UPCOMING_DAYS } from '../domain/report';

/**
 * The figures of `epicevents report`, one dashboard per role. Each figure is one SQL aggregate
 * (sum/count with FILTER, months from generate_series), parameterised; money is summed in SQL
 * numeric and comes back as a string with two decimals, never through a JavaScript number.
 *
 * "Now" and the time zone are inputs, so the same data always gives the same report: months and
 * weeks are calendar months and weeks (Monday first) in `timeZone`, "upcoming" means starting at
 * or after `now`.
 */
export interface ReportClock {
  now: Date;
  /** IANA name, e.g. Europe/Paris: where a month or a week begins. */
  timeZone: string;
}

/** Contracts signed in one calendar month: how many and for how much. */
export interface MonthFigure {
  /** `YYYY-MM` */
  month: string;
  count: number;
  value: string;
}

export interface ContractFigures {
  signedCount: number;
  signedValue: string;
  unsignedCount: number;
  unsignedValue: string;
  /** Still to be paid on signed contracts. */
  amountDue: string;
}

export interface ReportEvent {
  id: number;
  name: string;
  clientName: string;
  startAt: Date;
  endAt: Date;
  location: string;
  attendees: number;
  supportContactName: string | null;
}

export interface SupportLoad {
  employeeId: number;
  name: string;
  /** Events assigned to them that start at or after now. */
  upcoming: number;
  /** Of those, the ones that start within the next 30 days. */
  next30Days: number;
}

export interface ManagementReport {
  role: 'MANAGEMENT';
  generatedAt: Date;
  timeZone: string;
  contracts: ContractFigures;
  signedPerMonth: MonthFigure[];
  next30Days: { events: number; withoutSupport: number };
  /** The busiest active SUPPORT employees first, at most WORKLOAD_LIMIT of them. */
  supportWorkload: SupportLoad[];
  /** Every active SUPPORT employee, including those past the limit. */
  activeSupportCount: number;
}

export interface SalesReport {
  role: 'SALES';
  generatedAt: Date;
  timeZone: string;
  /** Over the contracts of the clients the employee owns now. */
  pipeline: ContractFigures & { clients: number };
  signedPerMonth: MonthFigure[];
  /** Upcoming events of their clients, soonest first, at most EVENT_LIMIT of them. */
  upcomingEvents: ReportEvent[];
  upcomingEventCount: number;
}

export interface SupportReport {
  role: 'SUPPORT';
  generatedAt: Date;
  timeZone: string;
  /** Upcoming events assigned to them that start before the end of this calendar week. */
  thisWeek: ReportEvent[];
  /** The ones after that, soonest first; with `thisWeek` at most EVENT_LIMIT events. */
  later: ReportEvent[];
  upcomingEventCount: number;
}

export type Report = ManagementReport | SalesReport | SupportReport;

export const MONTHS = 12;
export const WORKLOAD_LIMIT = 20;
export const EVENT_LIMIT = 50;

/** The dashboard for the actor's role, as the database says it is now. */
export async function buildReport(db: SqlRunner, actor: Actor, clock: ReportClock): Promise<Report> {
  // The report's own action first: its module (reports) is one a plan may lack.
  assertAllowed(actor, 'report.read');
  assertAllowed(actor, 'contract.read');
  assertAllowed(actor, 'event.read');
  // One snapshot for every figure, so they agree with each other even while others write.
  return db.transaction(async (manager) => {
    switch (actor.role) {
      case 'MANAGEMENT':
        return managementReport(manager, clock);
      case 'SALES':
        return salesReport(manager, actor.id, clock);
      case 'SUPPORT':
        return supportReport(manager, actor.id, clock);
      default: {
        const unhandled: never = actor.role;
        throw new Error(`no report for role ${String(unhandled)}`);
      }
    }
  }, 'REPEATABLE READ');
}

export async function managementReport(manager: EntityManager, clock: ReportClock): Promise<ManagementReport> {
  const contracts = await contractFigures(manager);
  const signedPerMonth = await signedPerMonthFigures(manager, clock);
  const next30Days = await upcomingEventFigures(manager, clock);
  const workload = await supportWorkload(manager, clock);
  return { role: 'MANAGEMENT', generatedAt: clock.now, timeZone: clock.timeZone, contracts, signedPerMonth, next30Days, ...workload };
}

export async function salesReport(manager: EntityManager, salesId: number, clock: ReportClock): Promise<SalesReport> {
  const { clients, ...contracts } = await contractFigures(manager, salesId);
  const signedPerMonth = await signedPerMonthFigures(manager, clock, salesId);
  const upcoming = await upcomingEvents(manager, clock, 'clientsOf', salesId);
  return {
    role: 'SALES',
    generatedAt: clock.now,
    timeZone: clock.timeZone,
    pipeline: { clients: clients ?? 0, ...contracts },
    signedPerMonth,
    upcomingEvents: upcoming.events,
    upcomingEventCount: upcoming.total,
  };
}

export async function supportReport(manager: EntityManager, supportId: number, clock: ReportClock): Promise<SupportReport> {
  const upcoming = await upcomingEvents(manager, clock, 'supportedBy', supportId);
  return {
    role: 'SUPPORT',
    generatedAt: clock.now,
    timeZone: clock.timeZone,
    thisWeek: upcoming.events.filter((_, i) => upcoming.thisWeek[i]),
    later: upcoming.events.filter((_, i) => !upcoming.thisWeek[i]),
    upcomingEventCount: upcoming.total,
  };
}

/** pg returns count(*) (bigint) as a string, the embedded engine as a number. */
const count = (value: unknown): number => Number(value ?? 0);

/** Signed and unsigned value and the amount still due; for one salesperson, over the clients they own. */
async function contractFigures(manager: EntityManager, salesId?: number): Promise<ContractFigures & { clients?: number }> {
  const mine = salesId !== undefined;
  const [row]: Record<string, unknown>[] = await manager.query(
    `SELECT count(*) FILTER (WHERE c.is_signed) AS signed_count,
            round(coalesce(sum(c.total_amount) FILTER (WHERE c.is_signed), 0), 2)::text AS signed_value,
            count(*) FILTER (WHERE NOT c.is_signed) AS unsigned_count,
            round(coalesce(sum(c.total_amount) FILTER (WHERE NOT c.is_signed), 0), 2)::text AS unsigned_value,
            round(coalesce(sum(c.amount_due) FILTER (WHERE c.is_signed), 0), 2)::text AS amount_due
            ${mine ? ', (SELECT count(*) FROM clients WHERE sales_contact_id = $1) AS clients' : ''}
     FROM contracts c
     ${mine ? 'JOIN clients cl ON cl.id = c.client_id AND cl.sales_contact_id = $1' : ''}`,
    mine ? [salesId] : [],
  );
  const figures: ContractFigures & { clients?: number } = {
    signedCount: count(row.signed_count),
    signedValue: String(row.signed_value),
    unsignedCount: count(row.unsigned_count),
    unsignedValue: String(row.unsigned_value),
    amountDue: String(row.amount_due),
  };
  return mine ? { clients: count(row.clients), ...figures } : figures;
}

/** The last MONTHS calendar months, this one included, each with its signed contracts (zero months too). */
async function signedPerMonthFigures(manager: EntityManager, clock: ReportClock, salesId?: number): Promise<MonthFigure[]> {
  const mine = salesId !== undefined;
  const rows: Record<string, unknown>[] = await manager.query(
    `WITH bounds AS (
       SELECT date_trunc('month', $1::timestamptz AT TIME ZONE $2) - make_interval(months => ${MONTHS - 1}) AS first_month,
              date_trunc('month', $1::timestamptz AT TIME ZONE $2) AS last_month
     ),
     months AS (
       SELECT generate_series(first_month, last_month, interval '1 month') AS month FROM bounds
     ),
     signed AS (
       SELECT date_trunc('month', c.signed_at AT TIME ZONE $2) AS month, count(*) AS count, sum(c.total_amount) AS value
       FROM contracts c
       ${mine ? 'JOIN clients cl ON cl.id = c.client_id AND cl.sales_contact_id = $3' : ''}
       CROSS JOIN bounds b
       WHERE c.is_signed
         AND c.signed_at >= b.first_month AT TIME ZONE $2
         AND c.signed_at < (b.last_month + interval '1 month') AT TIME ZONE $2
       GROUP BY 1
     )
     SELECT to_char(m.month, 'YYYY-MM') AS month, coalesce(s.count, 0) AS count, round(coalesce(s.value, 0), 2)::text AS value
     FROM months m LEFT JOIN signed s ON s.month = m.month
     ORDER BY m.month`,
    mine ? [clock.now, clock.timeZone, salesId] : [clock.now, clock.timeZone],
  );
  return rows.map((row) => ({ month: String(row.month), count: count(row.count), value: String(row.value) }));
}

/** Events starting within UPCOMING_DAYS of now, and how many of them nobody supports yet. */
async function upcomingEventFigures(manager: EntityManager, clock: ReportClock): Promise<ManagementReport['next30Days']> {
  const window = `start_at >= $1 AND start_at < $1::timestamptz + make_interval(days => ${UPCOMING_DAYS})`;
  const [row]: Record<string, unknown>[] = await manager.query(
    // Two counts, each a range of one index (the second a partial one), rather than one pass that
    // reads every event of the month for its support column (docs/performance.md).
    `SELECT (SELECT count(*) FROM events WHERE ${window}) AS events,
            (SELECT count(*) FROM events WHERE support_contact_id IS NULL AND ${window}) AS without_support`,
    [clock.now],
  );
  return { events: count(row.events), withoutSupport: count(row.without_support) };
}

/**
 * Upcoming events per active SUPPORT employee, the busiest first (an idle one shows 0). Grouped by
 * the primary key (tenant_id, id), of which the name is functionally dependent.
 */
async function supportWorkload(manager: EntityManager, clock: ReportClock): Promise<Pick<ManagementReport, 'supportWorkload' | 'activeSupportCount'>> {
  const rows: Record<string, unknown>[] = await manager.query(
    `SELECT e.id, e.first_name || ' ' || e.last_name AS name,
            count(ev.id) AS upcoming,
            count(ev.id) FILTER (WHERE ev.start_at < $1::timestamptz + make_interval(days => ${UPCOMING_DAYS})) AS next_30_days,
            count(*) OVER () AS total
     FROM employees e
     LEFT JOIN events ev ON ev.support_contact_id = e.id AND ev.start_at >= $1
     WHERE e.role = 'SUPPORT' AND e.is_active
     GROUP BY e.tenant_id, e.id
     ORDER BY upcoming DESC, next_30_days DESC, e.last_name, e.first_name, e.id
     LIMIT ${WORKLOAD_LIMIT}`,
    [clock.now],
  );
  return {
    supportWorkload: rows.map((row) => ({ employeeId: Number(row.id), name: String(row.name), upcoming: count(row.upcoming), next30Days: count(row.next_30_days) })),
    activeSupportCount: rows.length > 0 ? count(rows[0].total) : 0,
  };
}

/**
 * Whose upcoming events a report lists, as a condition on `ev` (the event) and `cl` (its client)
 * with `$2` the employee, and the fewest tables that condition needs for the count.
 */
const UPCOMING_SCOPES = {
  clientsOf: { condition: 'cl.sales_contact_id = $2', countFrom: 'events ev JOIN contracts c ON c.id = ev.contract_id JOIN clients cl ON cl.id = c.client_id' },
  supportedBy: { condition: 'ev.support_contact_id = $2', countFrom: 'events ev' },
} as const;

/**
 * Upcoming events in `scope`, soonest first, at most EVENT_LIMIT, with their total and whether
 * each starts this calendar week. The total is a query of its own: as a window over the page's
 * joins it made PostgreSQL join every upcoming event before keeping 50 (3 s at a million rows).
 */
async function upcomingEvents(
  manager: EntityManager,
  clock: ReportClock,
  scope: keyof typeof UPCOMING_SCOPES,
  id: number,
): Promise<{ events: ReportEvent[]; thisWeek: boolean[]; total: number }> {
  const { condition, countFrom } = UPCOMING_SCOPES[scope];
  const rows: Record<string, unknown>[] = await manager.query(
    `SELECT ev.id, ev.name, cl.full_name AS client_name, ev.start_at, ev.end_at, ev.location, ev.attendees,
            s.first_name || ' ' || s.last_name AS support_name,
            ev.start_at < (date_trunc('week', $1::timestamptz AT TIME ZONE $3) + interval '7 days') AT TIME ZONE $3 AS this_week
     FROM events ev
     JOIN contracts c ON c.id = ev.contract_id
     JOIN clients cl ON cl.id = c.client_id
     LEFT JOIN employees s ON s.id = ev.support_contact_id
     WHERE ${condition} AND ev.start_at >= $1
     ORDER BY ev.start_at, ev.id
     LIMIT ${EVENT_LIMIT}`,
    [clock.now, id, clock.timeZone],
  );
  const [{ total }]: { total: unknown }[] = await manager.query(
    `SELECT count(*) AS total FROM ${countFrom} WHERE ${condition} AND ev.start_at >= $1`,
    [clock.now, id],
  );
  return {
    events: rows.map((row) => ({
      id: Number(row.id),
      name: String(row.name),
      clientName: String(row.client_name),
      startAt: new Date(row.start_at as string | Date),
      endAt: new Date(row.end_at as string | Date),
      location: String(row.location),
      attendees: Number(row.attendees),
      supportContactName: row.support_name === null ? null : String(row.support_name),
    })),
    thisWeek: rows.map((row) => row.this_week === true),
    total: count(total),
  };
}
