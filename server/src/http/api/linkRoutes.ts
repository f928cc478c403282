// Meeting links under /api/links, for the logged-in owner: make, list, revoke.
import type { Hono } from 'hono';
import { linksApi } from '@parley/shared';
import type { MeetingLinks } from '../../links/index.js';
import type { SessionRecord } from '../../auth/sessions.js';
import { parseBody } from './parseBody.js';

type AuthedEnv = { Variables: { session: SessionRecord } };

export function mountLinkRoutes<E extends AuthedEnv>(authed: Hono<E>, links: MeetingLinks): void {
  authed.get('/links', async (c) => c.json({ links: await links.list(c.var.session.userId) }));
  authed.post('/links', async (c) =>
    c.json(await links.create(c.var.session.userId, await parseBody(c, linksApi.create.request))),
  );
  authed.post('/links/:id/revoke', async (c) => {
    await links.revoke(c.var.session.userId, c.req.param('id'));
    return c.json({});
  });
}
