// Tallies of many parallel replies by error code, to count how many requests
// the server really evaluated: a request turned away before evaluation says
// `throttled` or `expired`, never `invalid_credentials`.
export type Tally = Record<string, number>;

export async function codeOf(response: Response): Promise<string> {
  if (response.ok) {
    await response.arrayBuffer();
    return 'ok';
  }
  const body = (await response.json()) as { error?: { code?: string } };
  return body.error?.code ?? `status ${response.status}`;
}

export async function tally(responses: (Response | Promise<Response>)[]): Promise<{ codes: string[]; counts: Tally }> {
  const codes = await Promise.all(responses.map(async (response) => codeOf(await response)));
  const counts: Tally = {};
  for (const code of codes) counts[code] = (counts[code] ?? 0) + 1;
  return { codes, counts };
}
