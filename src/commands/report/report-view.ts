import { drawTable, layoutColumns, type TableColumn } from '../../output/table';
import { localDateTime, neutralise } from '../../output/terminal-text';
import { type ContractFigures, type ManagementReport, type MonthFigure, type Report, type ReportEvent, type SalesReport, type SupportReport } from '../../backend/backend';
import { UPCOMING_DAYS } from '../../domain/report';
import { bar, type Charset, fit, money, sparkline } from './charts';

export interface ReportStyle {
  charset: Charset;
  color: boolean;
  /** Terminal columns (80 when not a terminal). */
  width: number;
}

/** The report as a person reads it: tables, bars and sparklines. */
export function reportText(report: Report, style: ReportStyle): string {
  switch (report.role) {
    case 'MANAGEMENT':
      return managementText(report, style);
    case 'SALES':
      return salesText(report, style);
    case 'SUPPORT':
      return supportText(report, style);
    default: {
      const unhandled: never = report;
      throw new Error(`unknown report ${JSON.stringify(unhandled)}`);
    }
  }
}

const BAR_WIDTH = 24;

function managementText(report: ManagementReport, style: ReportStyle): string {
  const { events, withoutSupport } = report.next30Days;
  const supported = events - withoutSupport;
  const sections = [
    title(`Management report`, report, style),
    heading('Contracts', style),
    contractTable(report.contracts, style),
    monthSection('Contracts signed per month', report.signedPerMonth, style),
    heading(`Events in the next ${UPCOMING_DAYS} days: ${events}, ${withoutSupport} without support`, style),
    events === 0
      ? 'none\n'
      : table(
          [{ header: '' }, { header: 'events', align: 'right' }, BAR],
          [
            ['with support', String(supported), { value: supported, max: events }],
            ['without support', String(withoutSupport), { value: withoutSupport, max: events }],
          ],
          style,
        ),
    heading('Support workload: upcoming events per active SUPPORT employee', style),
    workloadTable(report, style),
  ];
  return sections.join('');
}

function salesText(report: SalesReport, style: ReportStyle): string {
  const { clients } = report.pipeline;
  return [
    title('Sales report', report, style),
    heading(`Pipeline: contracts of your ${clients} client${clients === 1 ? '' : 's'}`, style),
    contractTable(report.pipeline, style),
    monthSection('Your contracts signed per month', report.signedPerMonth, style),
    heading(`Upcoming events of your clients: ${report.upcomingEventCount}`, style),
    eventTable(report.upcomingEvents, report.upcomingEventCount, style, SALES_EVENT_COLUMNS),
  ].join('');
}

function supportText(report: SupportReport, style: ReportStyle): string {
  const shown = report.thisWeek.length + report.later.length;
  return [
    title('Support report', report, style),
    heading(`Your upcoming events: ${report.upcomingEventCount}`, style),
    heading('This week', style, 2),
    eventTable(report.thisWeek, report.thisWeek.length, style, SUPPORT_EVENT_COLUMNS),
    heading('Later', style, 2),
    eventTable(report.later, report.later.length + (report.upcomingEventCount - shown), style, SUPPORT_EVENT_COLUMNS),
  ].join('');
}

function title(name: string, report: Report, style: ReportStyle): string {
  const dot = style.charset === 'unicode' ? '·' : '-';
  return `${paint(`Epic Events ${dot} ${name}`, BOLD, style)} ${dot} ${localDateTime(report.generatedAt)} (${report.timeZone})\n`;
}

function heading(text: string, style: ReportStyle, level = 1): string {
  return level === 1 ? `\n${paint(text, BOLD, style)}\n` : `${paint(text, UNDERLINE, style)}\n`;
}

function contractTable(figures: ContractFigures, style: ReportStyle): string {
  return table(
    // The label gives way before any amount is cut.
    [{ header: '', flexible: true }, { header: 'contracts', align: 'right' }, { header: 'value', align: 'right' }, { header: 'still due', align: 'right' }],
    [
      ['signed', String(figures.signedCount), money(figures.signedValue), money(figures.amountDue)],
      ['unsigned', String(figures.unsignedCount), money(figures.unsignedValue), ''],
    ],
    style,
  );
}

function monthSection(name: string, months: MonthFigure[], style: ReportStyle): string {
  const counts = months.map((m) => m.count);
  const max = Math.max(0, ...counts);
  return (
    heading(`${name}, last ${months.length} months  ${sparkline(counts, style.charset)}`, style) +
    table(
      [{ header: 'month' }, { header: 'signed', align: 'right' }, { header: 'value', align: 'right' }, BAR],
      months.map((m) => [m.month, String(m.count), money(m.value), { value: m.count, max }]),
      style,
    )
  );
}

function workloadTable(report: ManagementReport, style: ReportStyle): string {
  if (report.supportWorkload.length === 0) return 'no active SUPPORT employee\n';
  const max = Math.max(0, ...report.supportWorkload.map((s) => s.upcoming));
  const more = report.activeSupportCount - report.supportWorkload.length;
  return (
    table(
      [{ header: 'employee', flexible: true }, { header: 'upcoming', align: 'right' }, { header: `next ${UPCOMING_DAYS} days`, align: 'right' }, BAR],
      report.supportWorkload.map((s) => [fit(neutralise(s.name), 30, style.charset), String(s.upcoming), String(s.next30Days), { value: s.upcoming, max }]),
      style,
    ) + (more > 0 ? `and ${more} more, less busy\n` : '')
  );
}

interface EventColumn extends TableColumn {
  value: (event: ReportEvent) => string;
}

const START: EventColumn = { header: 'start', value: (e) => localDateTime(e.startAt) };
const END: EventColumn = { header: 'end', value: (e) => endTime(e) };
const NAME: EventColumn = { header: 'event', value: (e) => neutralise(e.name), flexible: true };
const CLIENT: EventColumn = { header: 'client', value: (e) => neutralise(e.clientName), flexible: true };
const LOCATION: EventColumn = { header: 'location', value: (e) => neutralise(e.location), flexible: true };
const GUESTS: EventColumn = { header: 'guests', value: (e) => String(e.attendees), align: 'right' };
const SUPPORT: EventColumn = {
  header: 'support',
  value: (e) => (e.supportContactName === null ? 'none yet' : neutralise(e.supportContactName)),
  flexible: true,
};

/** SALES want to know who supports their clients' events; SUPPORT when each one ends. */
const SALES_EVENT_COLUMNS = [START, NAME, CLIENT, LOCATION, GUESTS, SUPPORT];
const SUPPORT_EVENT_COLUMNS = [START, END, NAME, CLIENT, LOCATION, GUESTS];

function eventTable(events: ReportEvent[], total: number, style: ReportStyle, columns: EventColumn[]): string {
  if (events.length === 0) return 'none\n';
  const more = total - events.length;
  return (
    table(
      columns,
      events.map((event) => columns.map((column) => column.value(event))),
      style,
    ) + (more > 0 ? `and ${more} more: epicevents event list --mine\n` : '')
  );
}

/** The end as a time alone when the event ends the day it starts (local time). */
function endTime(event: ReportEvent): string {
  const start = localDateTime(event.startAt);
  const end = localDateTime(event.endAt);
  return start.slice(0, 10) === end.slice(0, 10) ? end.slice(11) : end;
}

/** A bar drawn to the width its column gets: at most BAR_WIDTH, less on a narrow terminal. */
interface Bar {
  value: number;
  max: number;
}

const BAR: TableColumn = { header: '', flexible: true };

/** A report table, fitted to the width like every table (src/output/table.ts), bars included. */
function table(columns: TableColumn[], rows: (string | Bar)[][], style: ReportStyle): string {
  const isBar = (cell: string | Bar): cell is Bar => typeof cell !== 'string';
  const widths = layoutColumns(
    columns,
    rows.map((row) => row.map((cell) => (isBar(cell) ? ' '.repeat(BAR_WIDTH) : cell))),
    style.width,
  );
  const cells = rows.map((row) => row.map((cell, i) => (isBar(cell) ? (i < widths.length ? bar(cell.value, cell.max, widths[i], style.charset) : '') : cell)));
  const { text, hidden } = drawTable(columns, cells, style);
  const named = hidden.filter((header) => header !== '');
  return named.length > 0 ? `${text}(not shown for lack of width: ${named.join(', ')})\n` : text;
}

const BOLD = '\x1b[1m';
const UNDERLINE = '\x1b[4m';

function paint(text: string, code: string, style: ReportStyle): string {
  return style.color ? `${code}${text}\x1b[0m` : text;
}
