/**
 * Wait queues (wait_event / wake_up_all): how file operations sleep and how remove() wakes
 * them (step 4 of the sync-unregister protocol).
 *
 * Invariant: a sleeper resumes only when its condition holds, re-checked at each wake-up.
 */
import { DevboundError, describe } from "./errors.js";

export class WaitQueue {
  private sleepers: { cond: () => boolean; wake: () => void }[] = [];

  /** wait_event(): resolves once `cond()` is true (checked now and at every wakeUpAll()). */
  waitEvent(cond: () => boolean): Promise<void> {
    if (typeof cond !== "function") throw new DevboundError(`waitEvent(): expected a condition function, got ${describe(cond)}`);
    if (cond()) return Promise.resolve();
    return new Promise<void>((wake) => this.sleepers.push({ cond, wake }));
  }

  /** wake_up_all(): every sleeper whose condition now holds resumes. */
  wakeUpAll(): void {
    const still: { cond: () => boolean; wake: () => void }[] = [];
    for (const s of this.sleepers) {
      if (s.cond()) s.wake();
      else still.push(s);
    }
    this.sleepers = still;
  }

  get sleeping(): number {
    return this.sleepers.length;
  }
}
