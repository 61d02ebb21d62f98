import { plainArrayLiteral, SqlParams, whereAll } from './sql-params';

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

describe('plainArrayLiteral', () => {
  it('writes numbers, uuids and identifiers as an array literal, and nothing as an empty one', () => {
    expect(plainArrayLiteral([1, -2.5, 1_795_392_782_973])).toBe('{1,-2.5,1795392782973}');
    expect(plainArrayLiteral(['3f2a6c1e-0b7d-4a8e-9c1d-2e3f4a5b6c7d', 'people_count'])).toBe('{3f2a6c1e-0b7d-4a8e-9c1d-2e3f4a5b6c7d,people_count}');
    expect(plainArrayLiteral([])).toBe('{}');
  });
});
