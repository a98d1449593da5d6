import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** What the gauges read when Prometheus scrapes: createApp points them at its hub, database and limits. */
export interface MetricSources {
  feeds(): number;
  db(): Promise<boolean>;
  /** Whether Redis answers; absent when REDIS_URL is not set. */
  redis?: () => Promise<'ok' | 'error' | null>;
}

/**
 * The BFF's Prometheus metrics, in a registry of their own (nothing global):
 * boot.ts makes one with the process's default metrics, createApp a bare one
 * when none is given. The README (Logs and metrics) lists them.
 */
export function createMetrics(opts: { processMetrics?: boolean } = {}) {
  const registry = new Registry();
  const registers = [registry];
  let sources: MetricSources | null = null;
  if (opts.processMetrics) collectDefaultMetrics({ register: registry });

  const metrics = {
    registry,
    httpRequests: new Counter({
      name: 'ippchat_http_requests_total', help: 'HTTP requests answered, by method, route pattern and status (event streams counted when they end)',
      labelNames: ['method', 'route', 'status'] as const, registers,
    }),
    httpDuration: new Histogram({
      name: 'ippchat_http_request_duration_seconds', help: 'Time to answer an HTTP request, body sent (event streams excluded)',
      labelNames: ['method', 'route', 'status'] as const, buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30], registers,
    }),
    feedsOpen: new Gauge({
      name: 'ippchat_feeds_open', help: 'Event streams (GET /events) open on this instance', registers,
      collect() { this.set(sources?.feeds() ?? 0); },
    }),
    eventsDelivered: new Counter({
      name: 'ippchat_events_delivered_total', help: 'Events written to open streams (one per stream; replays and keep-alives excluded)', registers,
    }),
    deliveryLatency: new Histogram({
      name: 'ippchat_event_delivery_seconds', help: 'From the commit of an event (a message sent…) to its writing to the open streams of this instance',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5], registers,
    }),
    rateLimited: new Counter({
      name: 'ippchat_rate_limited_total', help: 'Requests refused with 429, by limit (messages, uploads, concurrent-uploads, streams, typing)',
      labelNames: ['reason'] as const, registers,
    }),
    uploadedFiles: new Counter({ name: 'ippchat_uploaded_files_total', help: 'Files received and kept with a sent message', registers }),
    uploadedBytes: new Counter({ name: 'ippchat_uploaded_bytes_total', help: 'Bytes of the files received and kept', registers }),
    dbErrors: new Counter({
      name: 'ippchat_db_errors_total', help: 'Failures to reach the database (requests answered 503, the event hub reading the outbox)', registers,
    }),
    dbUp: new Gauge({
      name: 'ippchat_db_up', help: '1 when the database answers a ping at scrape time, else 0', registers,
      async collect() { this.set(sources && await sources.db() ? 1 : 0); },
    }),
    redisErrors: new Counter({
      name: 'ippchat_redis_errors_total', help: 'Redis connection and command errors, by client (events: wake-ups and typing; limits: shared counters)',
      labelNames: ['client'] as const, registers,
    }),
    // Registered by observe() when Redis is configured: without it there is no state to report (0 would mean down).
    redisUp: new Gauge({
      name: 'ippchat_redis_up', help: '1 when Redis answers a ping at scrape time, else 0 (only with REDIS_URL)', registers: [],
      async collect() { this.set(await sources?.redis?.() === 'ok' ? 1 : 0); },
    }),
    // Fed by the e-mail notifications and webhooks to come; exposed now so dashboards and alerts can be written.
    emailQueue: new Gauge({ name: 'ippchat_email_queue_length', help: 'E-mail notifications waiting to be sent', registers }),
    emailsSent: new Counter({
      name: 'ippchat_emails_total', help: 'E-mail notifications handled, by outcome (sent, failed)', labelNames: ['outcome'] as const, registers,
    }),
    webhookQueue: new Gauge({ name: 'ippchat_webhook_queue_length', help: 'Webhook deliveries waiting', registers }),
    webhooksSent: new Counter({
      name: 'ippchat_webhooks_total', help: 'Webhook delivery attempts, by outcome (delivered, failed: retried later or given up)', labelNames: ['outcome'] as const, registers,
    }),
    /** Points the gauges read at scrape time at the app's handles. */
    observe(s: MetricSources) {
      sources = s;
      if (s.redis && !registry.getSingleMetric('ippchat_redis_up')) registry.registerMetric(metrics.redisUp);
    },
  };
  return metrics;
}

export type Metrics = ReturnType<typeof createMetrics>;
