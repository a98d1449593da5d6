import { benchContinuity } from './continuity';
import { benchEvents } from './events';
import { benchThroughput } from './throughput';
import type { Row } from './lib';
import { benchUploads } from './uploads';
import { benchWidget } from './widget';

/** `npm run bench`: every benchmark, one table. */
const rows: Row[] = [];
for (const bench of [benchEvents, benchThroughput, benchUploads, benchWidget, benchContinuity]) rows.push(...(await bench()));
const widths = [30, 34, 26, 16];
const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join(' | ');
console.log(line(['bench', 'metric', 'value', 'target']));
console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
for (const r of rows) console.log(line([r.bench, r.metric, r.value, r.target ? `${r.target} ${r.ok ? '✓' : '✗'}` : '']));
