/** Ends an exhaustive `switch`: adding a case without handling it fails to compile. */
export function assertUnreachable(value: never): never {
  throw new Error(`unhandled case: ${JSON.stringify(value)}`);
}
