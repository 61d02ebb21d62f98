import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ContractFileError, parseContractFile } from './contract-file';

const ALPHA = readFileSync(join(__dirname, '..', '..', 'test', 'fixtures', 'contracts', 'alpha.yaml'), 'utf8');
const CONNECTOR = `connectors:
  - key: legacy
    type: http-json
    url: https://feedback.example.com/api/ratings
    auth: { env: CONNECTOR_LEGACY_TOKEN, prefix: "Bearer " }
    schedule: "*/15 * * * *"
    paging: { items: data, next: links.next, sinceParam: updated_since }
    mapping: { id: id, touchpoint: location.code, score: rating, ts: created_at }
    touchpointMap: { L-17: alpha-1f-restroom-qr }
`;
const withConnector = (connector = CONNECTOR) => `${ALPHA.trimEnd()}\n${connector}`;
/** The line of the first text after `connectors:`. */
const lineOf = (source: string, text: string) => {
  const lines = source.split('\n');
  const start = lines.indexOf('connectors:');
  return start + lines.slice(start).findIndex((l) => l.includes(text)) + 1;
};

function problemsOf(source: string): string[] {
  try {
    parseContractFile('contracts/alpha.yaml', source);
  } catch (error) {
    if (error instanceof ContractFileError) return error.problems;
    throw error;
  }
  return [];
}

describe('contract file connectors', () => {
  it('parses a connector with its defaults', () => {
    const sut = parseContractFile('contracts/alpha.yaml', withConnector());
    expect(sut.spec.connectors).toEqual([
      {
        key: 'legacy',
        type: 'http-json',
        url: 'https://feedback.example.com/api/ratings',
        auth: { header: 'Authorization', env: 'CONNECTOR_LEGACY_TOKEN', prefix: 'Bearer ' },
        schedule: '*/15 * * * *',
        enabled: true,
        paging: { items: 'data', next: 'links.next', sinceParam: 'updated_since' },
        mapping: { id: 'id', touchpoint: 'location.code', score: 'rating', ts: 'created_at' },
        touchpointMap: { 'L-17': 'alpha-1f-restroom-qr' },
        retry: { attempts: 4, delay: 1000 },
      },
    ]);
  });

  it('has no connectors when the file names none', () => {
    expect(parseContractFile('contracts/alpha.yaml', ALPHA).spec.connectors).toEqual([]);
  });

  it.each([
    ['schedule: "*/15 * * * *"', 'schedule: "every 15 minutes"', 'schedule', 'expected a cron expression'],
    ['schedule: "*/15 * * * *"', 'schedule: "61 * * * *"', 'schedule', 'expected a cron expression'],
    ['type: http-json', 'type: soap', 'type', 'expected one of http-json, csv'],
    ['url: https://feedback.example.com/api/ratings', 'url: ftp://feedback.example.com/x', 'url', 'expected an http:// or https:// URL'],
    ['env: CONNECTOR_LEGACY_TOKEN', 'env: legacy-token', 'auth.env', 'expected an environment variable name'],
    ['items: data', 'items: " "', 'paging.items', 'expected a field name'],
    ['env: CONNECTOR_LEGACY_TOKEN', 'env: DATABASE_URL', 'auth.env', 'expected an environment variable name starting with CONNECTOR_'],
    ['env: CONNECTOR_LEGACY_TOKEN', 'env: ADMIN_API_KEY', 'auth.env', 'expected an environment variable name starting with CONNECTOR_'],
  ])('points a bad value at its line (%s → %s)', (from, to, field, message) => {
    const source = withConnector(CONNECTOR.replace(from, to));
    const line = lineOf(source, to);
    expect(problemsOf(source)).toEqual([expect.stringMatching(new RegExp(`^contracts/alpha\\.yaml:${line}: connectors\\.0\\.${field.replace('.', '\\.')}: ${message}`))]);
  });

  it('names a missing mapping field', () => {
    const source = withConnector(CONNECTOR.replace('score: rating, ', ''));
    expect(problemsOf(source)).toEqual([`contracts/alpha.yaml:${lineOf(source, 'mapping:')}: connectors.0.mapping.score: expected a field name or dot path`]);
  });

  it('refuses a cursor parameter without a place to read the cursor from', () => {
    const source = withConnector(CONNECTOR.replace('next: links.next, ', 'cursorParam: cursor, '));
    expect(problemsOf(source)).toEqual([expect.stringContaining('connectors.0.paging.cursorParam: cursorParam needs next')]);
  });

  it('refuses paging on a CSV export', () => {
    expect(problemsOf(withConnector(CONNECTOR.replace('type: http-json', 'type: csv')))).toEqual([expect.stringContaining('connectors.0.paging: a CSV export is one file')]);
  });

  it('refuses a touchpointMap that names a touchpoint outside the contract', () => {
    const source = withConnector(CONNECTOR.replace('alpha-1f-restroom-qr }', 'beta-1f-restroom-qr }'));
    expect(problemsOf(source)).toEqual([
      `contracts/alpha.yaml:${lineOf(source, 'touchpointMap:')}: connectors.0.touchpointMap.L-17: "beta-1f-restroom-qr" is not a touchpoint of this contract`,
    ]);
  });

  it('finds a connector key used twice, and an unknown field', () => {
    const twice = withConnector(`${CONNECTOR}${CONNECTOR.replace('connectors:\n', '')}`);
    expect(problemsOf(twice)).toEqual([expect.stringContaining('connectors.1.key: "legacy" is used twice as a connector key')]);
    expect(problemsOf(withConnector(CONNECTOR.replace('    schedule:', '    token: abc\n    schedule:')))).toEqual([expect.stringContaining('token')]);
  });
});
