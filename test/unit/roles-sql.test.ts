import fs from 'node:fs';
import path from 'node:path';
import { parseDatabaseName, parseRoleName, rolesSql } from '../../src/database/roles-sql';
import { CliError } from '../../src/errors/cli-error';

describe('rolesSql', () => {
  const sql = rolesSql({ database: 'epicevents', owner: 'epicevents_owner', app: 'epicevents_app' });

  it('should be what docs/database.md shows for a database named epicevents', () => {
    const doc = fs.readFileSync(path.resolve(__dirname, '../../docs/database.md'), 'utf8');
    expect(doc).toContain(sql.trimEnd());
  });

  it('should grant the application role no DDL and only INSERT and SELECT on the audit trail', () => {
    expect(sql).toContain('GRANT USAGE ON SCHEMA public TO epicevents_app;');
    expect(sql).not.toMatch(/GRANT[^;]*CREATE[^;]*TO epicevents_app/);
    expect(sql).toContain('GRANT SELECT, INSERT ON audit_log TO epicevents_app;');
    expect(sql).not.toMatch(/GRANT[^;]*(UPDATE|DELETE|TRUNCATE)[^;]*audit_log/);
  });

  it('should contain no password, only the ways to set one', () => {
    expect(sql).not.toMatch(/PASSWORD '/);
    expect(sql).toContain("PASSWORD :'app_password'");
  });

  it.each(['x; DROP ROLE postgres', 'Owner', 'pg_signal', '1abc', 'a'.repeat(64), "o'brien", ''])('should refuse %p as a role name', (name) => {
    expect(() => parseRoleName(name, '--owner')).toThrow(CliError);
  });

  it.each(['epic"; DROP DATABASE x; --', 'epic$roles$', 'épic', ''])('should refuse %p as a database name for the generated SQL', (name) => {
    expect(() => parseDatabaseName(name)).toThrow(CliError);
  });

  it('should refuse the same name for both roles', () => {
    expect(() => rolesSql({ database: 'epic', owner: 'crm', app: 'crm' })).toThrow(/two different roles/);
  });
});
