/**
 * Failed logins per client address and per email, in memory, on top of the account lockout: the
 * lockout stops guessing one account's password, this stops one address from trying many emails
 * (each unknown one costs an argon2 verification against the dummy hash) and caps the attempts on
 * one email from many addresses. Only failures count, so an office behind one address logs in freely.
 */
export interface ThrottleLimits {
  perAddress: number;
  perEmail: number;
  windowMs: number;
}

export const LOGIN_LIMITS: ThrottleLimits = { perAddress: 50, perEmail: 10, windowMs: 15 * 60 * 1000 };

/** Beyond this many keys, keys whose failures have all left the window are dropped. */
const SWEEP_ABOVE_KEYS = 10_000;

export class LoginThrottle {
  /** Times of the failures still inside the window, oldest first, per key. */
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly limits: ThrottleLimits = LOGIN_LIMITS) {}

  /** Seconds until this address may try this email again; 0 when it may now. */
  retryAfterSeconds(address: string, email: string, now = Date.now()): number {
    const waits = [this.wait(`address ${address}`, this.limits.perAddress, now), this.wait(`email ${email.toLowerCase()}`, this.limits.perEmail, now)];
    return Math.ceil(Math.max(...waits) / 1000);
  }

  recordFailure(address: string, email: string, now = Date.now()): void {
    this.recordAttempt(address, email, now);
  }

  /** Counts an attempt whatever its outcome: for a limit on what succeeds (sign-ups), where every attempt counts. */
  recordAttempt(address: string, email: string, now = Date.now()): void {
    if (this.failures.size > SWEEP_ABOVE_KEYS) this.sweep(now);
    for (const key of [`address ${address}`, `email ${email.toLowerCase()}`]) {
      const times = this.recent(key, now);
      times.push(now);
      this.failures.set(key, times);
    }
  }

  private wait(key: string, limit: number, now: number): number {
    const times = this.recent(key, now);
    if (times.length < limit) return 0;
    // Allowed again when enough of the oldest failures have left the window.
    return times[times.length - limit] + this.limits.windowMs - now;
  }

  private recent(key: string, now: number): number[] {
    const times = (this.failures.get(key) ?? []).filter((time) => time > now - this.limits.windowMs);
    if (times.length === 0) this.failures.delete(key);
    else this.failures.set(key, times);
    return times;
  }

  private sweep(now: number): void {
    for (const key of [...this.failures.keys()]) this.recent(key, now);
  }
}

/**
 * Sign-ups per client address (and per email), every attempt counted whatever its outcome: each
 * one that succeeds creates a company, so a success is what is limited. `LoginThrottle`'s
 * mechanism with its own limits and its own counts.
 */
export const SIGNUP_LIMITS: ThrottleLimits = { perAddress: 10, perEmail: 5, windowMs: 60 * 60 * 1000 };
