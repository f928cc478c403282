// GET /metrics: the operators' counts in Prometheus's text format.
// Protects: the counts from the public. A request relayed by the trusted
// (public) proxy is someone on the internet asking, and gets 404; Prometheus
// scrapes Parley directly on the operator's network. The counts themselves
// name nobody (server/src/metrics).
import type { Metrics } from '../metrics/index.js';
import { createLogger } from '../logging/index.js';
import { fromTrustedProxy, type ProxyTrust } from './clientAddress.js';
import type { ApiHandler } from './createHttpServer.js';

const log = createLogger('http.metrics');

export function metricsEndpoint(metrics: Metrics, proxies: ProxyTrust): ApiHandler {
  return (request, response) => {
    if (fromTrustedProxy(request, proxies)) {
      response.writeHead(404).end();
      return;
    }
    metrics.render().then(
      (body) => {
        response.writeHead(200, { 'Content-Type': metrics.contentType, 'Cache-Control': 'no-store' }).end(body);
      },
      (error: unknown) => {
        log.error({ err: error }, 'could not collect the metrics');
        response.writeHead(500).end();
      },
    );
  };
}
