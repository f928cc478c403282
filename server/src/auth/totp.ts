// Time-based one-time passwords, RFC 6238 as every authenticator app speaks
// it: SHA-1, 30-second steps, 6 digits, one step of clock drift either way.
// A code is accepted only for a time step later than the last one accepted
// for the account, so a code seen over someone's shoulder cannot be replayed
// even within its window.
import { generateSecret, generateURI, verify } from 'otplib';
import QRCode from 'qrcode';

const stepSeconds = 30;

export function newTotpSecret(): string {
  return generateSecret({ length: 20 }); // 160 bits, base32: what RFC 4226 recommends
}

export function otpauthUri(username: string, secret: string): string {
  return generateURI({ issuer: 'Parley', label: username, secret });
}

/** The QR code as an SVG string, drawn here: the secret never goes to a third-party service. */
export function qrCodeSvg(uri: string): Promise<string> {
  return QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
}

/** The accepted time step, or undefined when the code is wrong, stale or already used. */
export async function acceptTotp(secret: string, code: string, lastAcceptedStep: number): Promise<number | undefined> {
  const result = await verify({
    secret,
    token: code,
    epochTolerance: stepSeconds,
    afterTimeStep: lastAcceptedStep,
  });
  return result.valid && 'timeStep' in result ? result.timeStep : undefined;
}
