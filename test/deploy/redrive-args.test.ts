import { describe, expect, it } from 'vitest';
import { parseRedriveArgs } from '../../scripts/redrive-args.ts';

describe('parseRedriveArgs', () => {
  it('re-drives everything pending by default', () => {
    expect(parseRedriveArgs([])).toEqual({ service: null, ids: [], dryRun: false, help: false });
  });

  it('reads a service, repeated and comma-separated ids, and --dry-run', () => {
    expect(parseRedriveArgs(['--service', 'stg', '--id', '3', '--id=5,8', '--dry-run'])).toEqual({ service: 'stg', ids: [3, 5, 8], dryRun: true, help: false });
    expect(parseRedriveArgs(['--service=cdm']).service).toBe('cdm');
    expect(parseRedriveArgs(['--help']).help).toBe(true);
  });

  it('explains each mistake', () => {
    expect(() => parseRedriveArgs(['--service'])).toThrow('--service needs a value');
    expect(() => parseRedriveArgs(['--service', 'source'])).toThrow('--service must be one of stg, dds, cdm, got "source"');
    expect(() => parseRedriveArgs(['--id', '0'])).toThrow('--id takes positive integers, got "0"');
    expect(() => parseRedriveArgs(['--id', '2.5'])).toThrow('got "2.5"');
    expect(() => parseRedriveArgs(['--id', 'x'])).toThrow('got "x"');
    expect(() => parseRedriveArgs(['--force'])).toThrow('unknown argument "--force"');
  });
});
