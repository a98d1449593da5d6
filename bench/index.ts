import { benchContinuity } from './continuity';
import { benchEvents } from './events';
import { benchScale } from './scale';
import { benchStatements } from './statements';
import { benchThroughput } from './throughput';
import { benchDialects, printTable, type Row } from './lib';
import { benchUploads } from './uploads';
import { benchWidget } from './widget';

/** `npm run bench`: every benchmark, one table. */
const rows: Row[] = [];
const dialects = await benchDialects();
for (const bench of [benchEvents, benchScale, benchThroughput, benchStatements, benchUploads, benchWidget, benchContinuity]) rows.push(...(await bench(dialects)));
printTable(rows);
