/** Prometheus counters for `/metrics`: requests by method and status. */
export class RequestMetrics {
  private readonly counts = new Map<string, number>();

  count(method: string, status: number): void {
    const key = `method="${method}",status="${status}"`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  exposition(gauges: Record<string, { help: string; value: number }>): string {
    const lines = [
      '# HELP connect_simulator_http_requests_total HTTP requests answered, by method and status.',
      '# TYPE connect_simulator_http_requests_total counter',
      ...[...this.counts].map(([labels, value]) => `connect_simulator_http_requests_total{${labels}} ${value}`),
    ];
    for (const [name, gauge] of Object.entries(gauges)) {
      lines.push(`# HELP ${name} ${gauge.help}`, `# TYPE ${name} gauge`, `${name} ${gauge.value}`);
    }
    return `${lines.join('\n')}\n`;
  }
}
