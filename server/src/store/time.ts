/** Now, in Unix seconds. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** Now rounded down to the hour: for times shown to people, where precision is only a liability. */
export function coarseNowSeconds(): number {
  const now = nowSeconds();
  return now - (now % 3600);
}
