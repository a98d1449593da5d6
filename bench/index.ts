import { benchContinuity } from './continuity';
import { benchEvents } from './events';
import { benchHost } from './host';
import { benchRooms } from './rooms';
import { benchMail } from './mail';
import { benchExport } from './export';
import { benchScale } from './scale';
import { benchStatements } from './statements';
import { benchThroughput } from './throughput';
import { benchDialects, printTable, type Row } from './lib';
import { benchUploads } from './uploads';
import { benchWidget } from './widget';

/** `npm run bench`: every benchmark, one table. */
const rows: Row[] = [];
const dialects = await benchDialects();
for (const bench of [benchEvents, benchScale, benchThroughput, benchStatements, benchRooms, benchUploads, benchExport, benchWidget, benchContinuity, benchHost, benchMail]) rows.push(...(await bench(dialects)));
printTable(rows);
