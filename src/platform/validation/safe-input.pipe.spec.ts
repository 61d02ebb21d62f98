import { DomainException } from '../errors/domain.exception';
import { firstUnsafe, SafeInputPipe } from './safe-input.pipe';

/** The shape fast-querystring (Fastify's form body parser) gives: an object whose prototype has no prototype. */
const formDictionary = (fields: Record<string, unknown>): object =>
  Object.assign(Object.create(Object.create(null) as object) as object, fields);

describe(SafeInputPipe.name, () => {
  const sut = new SafeInputPipe();

  it.each([
    ['a JSON body', { comment: 'ok', nested: [{ tag: 'a\u0000b' }] }, 'nested.0.tag'],
    ['a form body', formDictionary({ id: '1', comment: '^\u0000h' }), 'comment'],
    ['a prototype-less object', Object.assign(Object.create(null) as object, { reason: '\ud800' }), 'reason'],
  ])('finds unsafe text in %s and names the field', (_, value, field) => {
    expect(firstUnsafe(value, '')).toEqual({ field, message: expect.any(String) });
    expect(() => sut.transform(value, { type: 'body' })).toThrow(DomainException);
  });

  it('passes safe input through as it is', () => {
    const body = formDictionary({ comment: 'Tvål 🧼', reasons: ['no_soap', 'no_paper'] });
    expect(sut.transform(body, { type: 'body' })).toBe(body);
    expect(firstUnsafe(new Date(0), '')).toBeUndefined();
  });
});
