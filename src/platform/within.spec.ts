import { within } from './within';

describe('within', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it("gives a promise's value when it resolves in time, and clears its timer", async () => {
    const settled = within(1_000, new Promise((resolve) => setTimeout(resolve, 999, 'printed')));
    await jest.advanceTimersByTimeAsync(999);
    await expect(settled).resolves.toEqual({ value: 'printed' });
    expect(jest.getTimerCount()).toBe(0);
  });

  it('gives undefined once the time runs out first, and a later rejection of the promise is handled', async () => {
    let reject!: (error: Error) => void;
    const slow = new Promise((_, r) => (reject = r));
    const settled = within(1_000, slow);
    await jest.advanceTimersByTimeAsync(1_000);
    await expect(settled).resolves.toBeUndefined();
    const unhandled = jest.fn();
    process.once('unhandledRejection', unhandled);
    reject(new Error('too late'));
    await jest.advanceTimersByTimeAsync(0);
    await new Promise((resolve) => jest.requireActual<typeof import('node:timers')>('node:timers').setImmediate(resolve));
    process.removeListener('unhandledRejection', unhandled);
    expect(unhandled).not.toHaveBeenCalled();
    await expect(slow).rejects.toThrow('too late');
  });

  it('throws a rejection that comes in time', async () => {
    const settled = within(1_000, Promise.reject(new Error('refused')));
    await expect(settled).rejects.toThrow('refused');
    expect(jest.getTimerCount()).toBe(0);
  });
});
