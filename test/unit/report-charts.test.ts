import { bar, charsetFor, fit, money, sparkline } from '../../src/commands/report/charts';
import { reportText } from '../../src/commands/report/report-view';
import { type ManagementReport, type ReportEvent, type SalesReport, type SupportReport } from '../../src/services/report.service';
import { displayWidth } from '../../src/output/terminal-text';

describe('charsetFor', () => {
  it.each([
    [{ LANG: 'en_US.UTF-8' }, 'unicode'],
    [{ LANG: 'C.utf8' }, 'unicode'],
    [{ LC_CTYPE: 'fr_FR.UTF-8', LANG: 'C' }, 'unicode'],
    [{ LC_ALL: 'C', LANG: 'en_US.UTF-8' }, 'ascii'], // LC_ALL wins
    [{ LC_ALL: 'en_US.UTF-8', LC_CTYPE: 'C' }, 'unicode'],
    [{ LANG: 'fr_FR.ISO-8859-1' }, 'ascii'],
    [{ LANG: 'C' }, 'ascii'],
    [{}, 'ascii'], // no locale at all: the C locale
  ])('should pick the charset of %j', (env, expected) => {
    expect(charsetFor(env, false)).toBe(expected);
  });

  it('should draw ASCII with --ascii whatever the locale', () => {
    expect(charsetFor({ LANG: 'en_US.UTF-8' }, true)).toBe('ascii');
  });
});

describe('bar', () => {
  it('should fill the width for the largest value and draw eighths of a column', () => {
    expect(bar(8, 8, 4, 'unicode')).toBe('████');
    expect(bar(1, 8, 4, 'unicode')).toBe('▌'); // half a column
    expect(bar(3, 8, 4, 'unicode')).toBe('█▌');
  });

  it('should draw nothing for zero and a sliver for a tiny value', () => {
    expect(bar(0, 8, 4, 'unicode')).toBe('');
    expect(bar(1, 1000, 4, 'unicode')).toBe('▏');
    expect(bar(1, 1000, 4, 'ascii')).toBe('#');
  });

  it('should draw with # in ASCII', () => {
    expect(bar(4, 8, 10, 'ascii')).toBe('#####');
  });
});

describe('sparkline', () => {
  it('should map zero to the lowest block and the maximum to the highest', () => {
    expect(sparkline([0, 1, 2, 4, 8], 'unicode')).toBe('▁▂▃▅█');
    expect(sparkline([0, 0, 0], 'unicode')).toBe('▁▁▁');
    expect(sparkline([0, 8], 'ascii')).toBe('_#');
  });
});

describe('money and fit', () => {
  it('should group thousands without touching the digits', () => {
    expect(money('1234567.05')).toBe('1,234,567.05');
    expect(money('999.99')).toBe('999.99');
    expect(money('0.00')).toBe('0.00');
  });

  it('should cut with an ellipsis, three dots in ASCII', () => {
    expect(fit('Candé-sur-Beuvron', 8, 'unicode')).toBe('Candé-s…');
    expect(fit('Candé-sur-Beuvron', 8, 'ascii')).toBe('Candé...');
    expect(fit('short', 8, 'ascii')).toBe('short');
    // Terminal columns, not characters: a Japanese character takes two.
    expect(fit('東京イベント株式会社', 8, 'unicode')).toBe('東京イ…');
    expect(fit('東京イベント株式会社', 8, 'ascii')).toBe('東京...');
  });
});

const management: ManagementReport = {
  role: 'MANAGEMENT',
  generatedAt: new Date('2026-03-18T10:00:00Z'),
  timeZone: 'UTC',
  contracts: { signedCount: 5, signedValue: '8320.10', unsignedCount: 2, unsignedValue: '1300.49', amountDue: '1900.05' },
  signedPerMonth: Array.from({ length: 12 }, (_, i) => ({ month: `2025-${String(i + 1).padStart(2, '0')}`, count: i % 3, value: `${i}.00` })),
  next30Days: { events: 4, withoutSupport: 1 },
  supportWorkload: [{ employeeId: 4, name: 'Kate\u001b[31m Hastings', upcoming: 3, next30Days: 2 }],
  activeSupportCount: 1,
};

describe('reportText', () => {
  it('should draw only ASCII characters in ASCII mode, borders and bars included', () => {
    const text = reportText(management, { charset: 'ascii', color: false, width: 80 });
    expect(text).toMatch(/^[\x20-\x7e\n]*$/);
    expect(text).toContain('8,320.10');
    expect(text).toContain('###');
  });

  it('should draw blocks in Unicode mode and show every month, zero months too', () => {
    const text = reportText(management, { charset: 'unicode', color: false, width: 80 });
    expect(text).toMatch(/[▁▂▃▄▅▆▇█]/);
    for (let m = 1; m <= 12; m += 1) expect(text).toContain(`2025-${String(m).padStart(2, '0')}`);
  });

  it('should neutralise control characters in names', () => {
    const text = reportText(management, { charset: 'unicode', color: false, width: 80 });
    expect(text).not.toContain('\u001b');
  });

  it('should fit event tables into the terminal width', () => {
    const support: SupportReport = {
      role: 'SUPPORT',
      generatedAt: new Date('2026-03-18T10:00:00Z'),
      timeZone: 'UTC',
      thisWeek: [
        {
          id: 1,
          name: 'A very long event name that goes on and on',
          clientName: 'A client with a long name',
          startAt: new Date('2026-03-19T14:00:00Z'),
          endAt: new Date('2026-03-19T20:00:00Z'),
          location: '53 Rue du Château, 41120 Candé-sur-Beuvron, France',
          attendees: 75,
          supportContactName: 'Kate Hastings',
        },
        {
          id: 2,
          name: '東京イベント株式会社 年次総会と懇親会',
          clientName: '山田太郎 (株式会社東京イベント)',
          startAt: new Date('2026-03-20T09:00:00Z'),
          endAt: new Date('2026-03-20T18:00:00Z'),
          location: '東京都千代田区丸の内一丁目 東京国際フォーラム',
          attendees: 300,
          supportContactName: 'Kate Hastings',
        },
      ],
      later: [],
      upcomingEventCount: 2,
    };
    const text = reportText(support, { charset: 'unicode', color: false, width: 80 });
    // Terminal columns: a Japanese character takes two.
    for (const line of text.split('\n')) expect(displayWidth(line)).toBeLessThanOrEqual(80);
    expect(text).toMatch(/Later\nnone/);
  });
});

describe('reportText widths', () => {
  const event = (id: number, name: string, clientName: string): ReportEvent => ({
    id,
    name,
    clientName,
    startAt: new Date(2026, 5, 4, 15, 0),
    endAt: new Date(2026, 5, 4, 23, 0),
    location: '53 Rue du Château, 41120 Candé-sur-Beuvron, France',
    attendees: 75,
    supportContactName: 'Kate Hastroff',
  });
  const support: SupportReport = {
    role: 'SUPPORT',
    generatedAt: new Date(2026, 5, 1, 9, 0),
    timeZone: 'Europe/Paris',
    thisWeek: [event(1, 'John Quick Wedding', 'John Quick'), event(2, '株式会社エピックイベンツ東京 年次総会', '山田太郎')],
    later: [],
    upcomingEventCount: 2,
  };
  const sales: SalesReport = {
    role: 'SALES',
    generatedAt: new Date(2026, 5, 1, 9, 0),
    timeZone: 'Europe/Paris',
    pipeline: { clients: 2, signedCount: 3, signedValue: '1234567.50', unsignedCount: 1, unsignedValue: '12500.00', amountDue: '250000.00' },
    signedPerMonth: [{ month: '2026-05', count: 1, value: '12500.00' }, { month: '2026-06', count: 3, value: '1234567.50' }],
    upcomingEvents: support.thisWeek,
    upcomingEventCount: 2,
  };
  const tableLines = (text: string) => text.split('\n').filter((line) => /^[│┌├└|+]/.test(line));

  it.each([40, 80, 120])('should keep every table line of the SALES and SUPPORT reports within %i columns', (width) => {
    for (const report of [sales, support]) {
      const text = reportText(report, { charset: 'unicode', color: false, width });
      expect(tableLines(text).length).toBeGreaterThan(5);
      for (const line of tableLines(text)) expect(displayWidth(line)).toBeLessThanOrEqual(width);
    }
  });

  it('should keep amounts whole and shorten the bars in 40 columns', () => {
    const text = reportText(sales, { charset: 'unicode', color: false, width: 40 });
    expect(text).toContain('1,234,567.50');
    expect(text).toContain('250,000.00');
    const bars = text.split('\n').filter((line) => line.includes('█'));
    expect(Math.max(...bars.map((line) => (line.match(/[█▏▎▍▌▋▊▉]/g) ?? []).length))).toBeLessThan(24);
  });

  it('should name the event columns a 40-column terminal leaves out', () => {
    const text = reportText(support, { charset: 'unicode', color: false, width: 40 });
    expect(text).toMatch(/\(not shown for lack of width: .*guests\)/);
  });

  it('should draw bars 24 columns long when the terminal has room', () => {
    const text = reportText(sales, { charset: 'unicode', color: false, width: 120 });
    expect(text).toContain('█'.repeat(24));
    expect(text).not.toMatch(/not shown/);
  });
});
