import type { Context } from 'hono';
import type { z } from 'zod';
import { ClientError } from '../../errors.js';

/** The request body checked against its schema; a clear 400 otherwise, before anything changes. */
export async function parseBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw new ClientError('invalid_message', 'the request body must be JSON'); // the parse error itself says nothing useful
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
    throw new ClientError('invalid_message', `${where}${issue?.message ?? 'invalid request'}`.slice(0, 300));
  }
  return parsed.data;
}
