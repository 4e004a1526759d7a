// A tiny Prometheus text-format registry: named counters and gauges whose values are read
// when /metrics is scraped (callbacks over the layers' own stat fields, so the hot paths
// only bump plain numbers). Used by src/server/node.ts and src/http/admin.ts.

export interface Metric {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'gauge';
  readonly value: () => number;
}

export class MetricsRegistry {
  private readonly metrics: Metric[] = [];

  add(metric: Metric): void {
    if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(metric.name)) throw new Error(`bad metric name ${metric.name}`);
    if (this.metrics.some((m) => m.name === metric.name)) throw new Error(`duplicate metric ${metric.name}`);
    this.metrics.push(metric);
  }

  /** Prometheus text exposition format 0.0.4. */
  render(): string {
    let out = '';
    for (const m of this.metrics) {
      out += `# HELP ${m.name} ${m.help}\n# TYPE ${m.name} ${m.type}\n${m.name} ${m.value()}\n`;
    }
    return out;
  }
}
