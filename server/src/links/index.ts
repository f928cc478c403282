export { MeetingLinks, LinkUnusableError, maxLinksPerUser, type LinkGrant } from './MeetingLinks.js';
export { linkSecrets, type LinkSecrets } from './linkSecret.js';
