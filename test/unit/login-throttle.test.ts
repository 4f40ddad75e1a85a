import { LoginThrottle } from '../../src/server/login-throttle';

const limits = { perAddress: 4, perEmail: 2, windowMs: 60_000 };
const T0 = 1_000_000;

describe('LoginThrottle', () => {
  it('should let an email be tried until it failed perEmail times, then say when the oldest failure leaves the window', () => {
    const throttle = new LoginThrottle(limits);
    throttle.recordFailure('10.0.0.1', 'ada@epic.events', T0);
    expect(throttle.retryAfterSeconds('10.0.0.1', 'ada@epic.events', T0 + 1)).toBe(0);
    throttle.recordFailure('10.0.0.2', 'ADA@epic.events', T0 + 10_000);
    // From any address, and whatever the case of the email.
    expect(throttle.retryAfterSeconds('10.0.0.3', 'Ada@Epic.Events', T0 + 10_000)).toBe(50);
    expect(throttle.retryAfterSeconds('10.0.0.3', 'ada@epic.events', T0 + 30_500)).toBe(30);
    expect(throttle.retryAfterSeconds('10.0.0.3', 'ada@epic.events', T0 + 60_000)).toBe(0);
  });

  it('should stop an address that failed perAddress times, whatever email it tries next', () => {
    const throttle = new LoginThrottle(limits);
    ['a', 'b', 'c', 'd'].forEach((name, i) => throttle.recordFailure('10.0.0.9', `${name}@epic.events`, T0 + i * 1000));
    expect(throttle.retryAfterSeconds('10.0.0.9', 'new@epic.events', T0 + 4000)).toBe(56);
    expect(throttle.retryAfterSeconds('10.0.0.8', 'new@epic.events', T0 + 4000)).toBe(0);
    expect(throttle.retryAfterSeconds('10.0.0.9', 'new@epic.events', T0 + 60_001)).toBe(0);
  });
});
