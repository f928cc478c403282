// TEST BUILDS ONLY (__PARLEY_TEST_BUILD__): 'relay' under this localStorage key
// makes the call's transports use TURN relays only (iceTransportPolicy
// 'relay'), so the deploy test can prove the relay path works. The production
// build contains none of it (a test greps client/dist).
const relaySwitch = 'parley.testing.iceTransportPolicy';

export function testingIceTransportPolicy(): RTCIceTransportPolicy | undefined {
  return globalThis.localStorage?.getItem(relaySwitch) === 'relay' ? 'relay' : undefined;
}
