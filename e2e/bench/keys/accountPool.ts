// Accounts for the key benchmark, made through the real HTTP API. The
// benchmark's server trusts this process as a proxy (PARLEY_TRUSTED_PROXIES),
// and each sign-up says it comes from an address of its own in 198.18.0.0/15
// (set aside for benchmarks, RFC 2544), as hundreds of people signing up
// would: the per-address sign-up throttle stays on, and is not what is measured.
import { registerViaApi, type E2eUser } from '../../support/accounts.js';

/** Sign-ups at once: the server queues at most 16 sign-ups for argon2. */
const parallel = 12;

export async function makeAccounts(
  baseUrl: string,
  count: number,
  progress: (done: number) => void,
): Promise<E2eUser[]> {
  const accounts: E2eUser[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const n = next++;
      accounts.push(await registerViaApi(baseUrl, `198.18.${(n >> 8) & 255}.${n & 255}`));
      if (accounts.length % 100 === 0) progress(accounts.length);
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return accounts;
}
