import { fitWidths, naturalWidths } from '../../output/output';
import { localDateTime, neutralise } from '../../output/terminal-text';
import { type ContractFigures, type ManagementReport, type MonthFigure, type Report, type ReportEvent, type SalesReport, type SupportReport } from '../../backend/backend';
import { UPCOMING_DAYS } from '../../domain/report';
import { ASCII_TABLE_CHARS, bar, type Charset, fit, money, sparkline } from './charts';

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
          ['', 'events', ''],
          [
            ['with support', String(supported), bar(supported, events, BAR_WIDTH, style.charset)],
            ['without support', String(withoutSupport), bar(withoutSupport, events, BAR_WIDTH, style.charset)],
          ],
          ['left', 'right', 'left'],
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
    ['', 'contracts', 'value', 'still due'],
    [
      ['signed', String(figures.signedCount), money(figures.signedValue), money(figures.amountDue)],
      ['unsigned', String(figures.unsignedCount), money(figures.unsignedValue), ''],
    ],
    ['left', 'right', 'right', 'right'],
    style,
  );
}

function monthSection(name: string, months: MonthFigure[], style: ReportStyle): string {
  const counts = months.map((m) => m.count);
  const max = Math.max(0, ...counts);
  return (
    heading(`${name}, last ${months.length} months  ${sparkline(counts, style.charset)}`, style) +
    table(
      ['month', 'signed', 'value', ''],
      months.map((m) => [m.month, String(m.count), money(m.value), bar(m.count, max, BAR_WIDTH, style.charset)]),
      ['left', 'right', 'right', 'left'],
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
      ['employee', 'upcoming', `next ${UPCOMING_DAYS} days`, ''],
      report.supportWorkload.map((s) => [
        fit(neutralise(s.name), 30, style.charset),
        String(s.upcoming),
        String(s.next30Days),
        bar(s.upcoming, max, BAR_WIDTH, style.charset),
      ]),
      ['left', 'right', 'right', 'left'],
      style,
    ) + (more > 0 ? `and ${more} more, less busy\n` : '')
  );
}

interface EventColumn {
  header: string;
  value: (event: ReportEvent) => string;
  align?: Align;
  /** Gives up width first when the terminal is narrow. */
  flexible?: boolean;
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
  const rows = events.map((event) => columns.map((column) => column.value(event)));
  const widths = fitWidths(
    naturalWidths(columns.map((column) => column.header), rows),
    columns.map((column) => column.flexible ?? false),
    style.width,
  );
  const more = total - events.length;
  return (
    table(
      columns.map((column) => column.header),
      rows.map((row) => row.map((cell, i) => fit(cell, widths[i], style.charset))),
      columns.map((column) => column.align ?? 'left'),
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

type Align = 'left' | 'right';

function table(head: string[], rows: string[][], aligns: Align[], style: ReportStyle): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Table = require('cli-table3') as typeof import('cli-table3');
  const t = new Table({
    head,
    colAligns: aligns,
    ...(style.charset === 'ascii' ? { chars: ASCII_TABLE_CHARS } : {}),
    style: { head: style.color ? ['cyan'] : [], border: style.color ? ['grey'] : [], 'padding-left': 1, 'padding-right': 1, compact: true },
  });
  for (const row of rows) t.push(row);
  return `${t.toString()}\n`;
}

const BOLD = '\x1b[1m';
const UNDERLINE = '\x1b[4m';

function paint(text: string, code: string, style: ReportStyle): string {
  return style.color ? `${code}${text}\x1b[0m` : text;
}
