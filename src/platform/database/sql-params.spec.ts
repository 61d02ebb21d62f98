import { SqlParams, whereAll } from './sql-params';

describe(SqlParams.name, () => {
  it('numbers placeholders after the values it starts with, in the order they are bound', () => {
    const sut = new SqlParams('a');
    expect([sut.bind('b'), sut.bind(3)]).toEqual(['$2', '$3']);
    expect(sut.values).toEqual(['a', 'b', 3]);
  });

  it('joins conditions into a WHERE clause, or none', () => {
    expect(whereAll(['x = $1', 'y = $2'])).toBe('WHERE x = $1 AND y = $2');
    expect(whereAll([])).toBe('');
  });
});
