import { terminalSafeJson } from '../../src/output/output';

describe('terminalSafeJson', () => {
  const hostile = 'a\u009b2Jb\u202eevil\u2066x\u007fy\u2028z\x1b[31m';

  it('should write no raw C1 control, DEL, bidirectional override or line separator when a value holds them', () => {
    const text = terminalSafeJson({ name: hostile }, 2);
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u2028\u2029]/); // eslint-disable-line no-control-regex
    expect(text).toContain('\\u009b');
    expect(text).toContain('\\u202e');
  });

  it('should escape the zero-width and other invisible formatting characters when a value holds them', () => {
    const invisible = 'pay\u200bpal\u200d\ufeff\u{e0041}';
    const text = terminalSafeJson({ name: invisible });
    expect(text).not.toMatch(/\p{Cf}/u);
    expect(text).toBe('{"name":"pay\\u200bpal\\u200d\\ufeff\\udb40\\udc41"}');
    expect(JSON.parse(text)).toEqual({ name: invisible });
  });

  it('should parse back to exactly the same value when escaped', () => {
    expect(JSON.parse(terminalSafeJson({ name: hostile, list: [hostile] }))).toEqual({ name: hostile, list: [hostile] });
  });

  it('should be byte for byte JSON.stringify when nothing needs escaping', () => {
    const value = { id: 1, name: 'Kevin Casey 🎉 Château', amount: '1500.00' };
    expect(terminalSafeJson(value, 2)).toBe(JSON.stringify(value, null, 2));
  });
});
