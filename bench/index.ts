import { benchUploads } from './uploads';
import type { Row } from './lib';

/** `npm run bench`: every benchmark, one table. */
const rows: Row[] = [];
for (const bench of [benchUploads]) rows.push(...(await bench()));
const widths = [24, 26, 14, 12];
const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join(' | ');
console.log(line(['bench', 'metric', 'value', 'target']));
console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
for (const r of rows) console.log(line([r.bench, r.metric, r.value, r.target ? `${r.target} ${r.ok ? '✓' : '✗'}` : '']));
