import sodium from 'libsodium-wrappers';

/** libsodium, initialised once. */
export async function loadSodium(): Promise<typeof sodium> {
  await sodium.ready;
  return sodium;
}

export type Sodium = typeof sodium;

export const b64 = (sodiumLib: Sodium, bytes: Uint8Array) =>
  sodiumLib.to_base64(bytes, sodiumLib.base64_variants.URLSAFE_NO_PADDING);
export const unb64 = (sodiumLib: Sodium, text: string) =>
  sodiumLib.from_base64(text, sodiumLib.base64_variants.URLSAFE_NO_PADDING);
