// The account life cycle through the real UI in Chromium: register, enrol
// TOTP (secret read from the page, codes computed here), log out, log in,
// a replayed code refused, export, delete.
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type TestBrowser, type TestPage } from './support/browsers.js';
import { startServer, type RunningServer } from './support/startServer.js';
import { waitFor } from './support/waitFor.js';

const username = `ui${process.pid}`;
const password = 'granite lanterns drift past quiet owls';

describe('account life cycle in the browser', () => {
  let server: RunningServer;
  let browser: TestBrowser;
  let page: TestPage;
  let secret = '';
  let enrolledAt = 0;
  const bodyText = () => page.evaluate(() => document.body.innerText);
  const until = (pattern: RegExp) => waitFor(bodyText, (text) => pattern.test(text), 15_000);
  const codeAt = (ms: number) => generate({ secret, epoch: Math.floor(ms / 1000) });

  beforeAll(async () => {
    server = await startServer();
    browser = await launchChromium({ trustedOrigin: server.baseUrl });
    page = await browser.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('registers, enrols TOTP from the secret on the page, and shows ten recovery codes', async () => {
    await page.goto(`${server.baseUrl}/register`);
    await page.fill('Username', username);
    await page.fill('Password', 'password1234');
    expect(await until(/commonly used|common passwords/)).toMatch(/Weak/);
    await page.fill('Password', password);
    await until(/Strong/);
    await page.clickButton('Continue');
    secret = (await page.text('[data-testid="totp-secret"]')).trim();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    enrolledAt = Date.now();
    await page.fill('The 6-digit code your app shows', await codeAt(enrolledAt));
    await page.clickButton('Confirm');
    const codes = await page.text('[data-testid="recovery-codes"]');
    expect(codes.trim().split('\n')).toHaveLength(10);
    await page.clickButton('I have saved them — continue');
    expect(await until(new RegExp(`Hello, ${username}`))).toContain('New call');
    await page.goto(`${server.baseUrl}/account`);
    expect(await until(new RegExp(`Your account: ${username}`))).toContain(username);
  });

  it('logs out, logs in, and refuses a code whose time step was already used', async () => {
    await page.clickButton('Log out');
    await until(/Log in/);
    await page.fill('Username', username);
    await page.fill('Password', password);
    await page.clickButton('Continue');
    await page.fill('The 6-digit code from your authenticator app', await codeAt(enrolledAt));
    await page.clickButton('Log in');
    expect(await until(/not right/)).toMatch(/not right/);
    await page.fill('The 6-digit code from your authenticator app', await codeAt(enrolledAt + 30_000));
    await page.clickButton('Log in');
    expect(await until(/New call/)).toContain('Hello');
    await page.goto(`${server.baseUrl}/account`);
    expect(await until(/Your account/)).toContain('Where you are logged in');
  });

  it('exports what is stored, without the TOTP secret', async () => {
    const exported = await page.evaluate(async () => (await fetch('/api/account/export')).json());
    expect(JSON.stringify(exported)).toContain(username);
    expect(JSON.stringify(exported)).not.toContain(secret);
  });

  it('deletes the account, after which the password no longer logs in', async () => {
    await page.fill('Password to confirm', password);
    await page.clickButton('Delete my account');
    await until(/Log in/);
    await page.fill('Username', username);
    await page.fill('Password', password);
    await page.clickButton('Continue');
    expect(await until(/not right/)).toMatch(/not right/);
  });
});
