// Meeting links from the browser: make, list, revoke (the owner's own).
import { linksApi, linkPath, type LinksRequest, type MeetingLink } from '@parley/shared';
import { callApi } from './authClient.js';

export function listLinks(): Promise<MeetingLink[]> {
  return callApi('GET', '/api/links', undefined, linksApi.list.response).then((r) => r.links);
}

export function createLink(request: LinksRequest<'create'>): Promise<MeetingLink> {
  return callApi('POST', '/api/links', request, linksApi.create.response);
}

export async function revokeLink(id: string): Promise<void> {
  await callApi('POST', `/api/links/${encodeURIComponent(id)}/revoke`, {}, linksApi.revoke.response);
}

/** The whole link, as the owner shares it. */
export function linkUrl(link: MeetingLink): string {
  return `${window.location.origin}${linkPath(link.id, link.secret)}`;
}
