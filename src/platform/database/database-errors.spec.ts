import { isDatabaseUnavailable } from './database-errors';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe(isDatabaseUnavailable.name, () => {
  it.each([
    ['a refused TCP connection', withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')],
    ['a reset connection', withCode('ECONNRESET')],
    ['pg losing its connection', new Error('Connection terminated unexpectedly')],
    ['an administrator shutdown', withCode('57P01', 'terminating connection due to administrator command')],
    ['a server starting up', withCode('57P03', 'the database system is starting up')],
    ['too many connections', withCode('53300')],
    ['a connection failure', withCode('08006')],
    ['a deadlock', withCode('40P01')],
    ['a pool timeout', new Error('timeout exceeded when trying to connect')],
    ['a wrapped driver error', Object.assign(new Error('query failed'), { driverError: withCode('08003') })],
  ])('is true for %s', (_, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ['a NUL in text', withCode('22021', 'invalid byte sequence for encoding "UTF8": 0x00')],
    ['a bad Unicode escape in jsonb', withCode('22P05', 'unsupported Unicode escape sequence')],
    ['a date out of range', withCode('22008', 'date/time field value out of range')],
    ['a unique violation', withCode('23505')],
    ['a RangeError from our own code', new RangeError('Invalid time value')],
    ['a plain error', new Error('something else')],
    ['a thrown string', 'boom'],
    ['undefined', undefined],
    ['a data error whose message sounds like a connection', withCode('22P02', 'invalid input syntax: "connection refused"')],
  ])('is false for %s', (_, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});
