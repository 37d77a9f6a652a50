import type { Logger } from '../../common/log.js';
import type { LicenseService } from '../license-service.js';

/**
 * The sweeper: ends lapsed leases on a timer (licensing.clientExpiryTimer), so their counts
 * come back and `expire` events are recorded even when no client is asking.
 */
export function startExpireLeasesTask(service: LicenseService, intervalSeconds: number, log: Logger): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    service
      .expireDue()
      .catch((err: unknown) => log.error({ event: 'lease.expiry.failed', err }, 'expiring leases failed'))
      .finally(() => {
        running = false;
      });
  }, Math.max(1, intervalSeconds) * 1000);
  timer.unref();
  return () => clearInterval(timer);
}
