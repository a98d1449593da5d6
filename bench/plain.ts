import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

/**
 * The baseline of the fan-out benches: a plain node:http server that keeps
 * SSE responses and writes each POSTed body, as one event, to all of them.
 * GET /heap answers its heap in use.
 */
function plainBroadcaster() {
  const streams = new Set<http.ServerResponse>();
  let id = 0;
  const server = http.createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/heap') {
      res.end(String(process.memoryUsage().heapUsed));
      return;
    }
    if (req.method === 'GET') {
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
      res.write('retry: 3000\n\n');
      streams.add(res);
      res.on('close', () => streams.delete(res));
      return;
    }
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      const frame = `id: ${++id}\nevent: message.created\ndata: ${JSON.stringify(JSON.parse(body))}\n\n`;
      for (const s of streams) s.write(frame);
      res.writeHead(201).end();
    });
  });
  server.listen(0, '127.0.0.1', () => console.log(`listening on http://127.0.0.1:${(server.address() as AddressInfo).port}`));
}

/** The baseline in a process of its own, so its memory is measured apart. */
export async function startPlainProcess() {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [data] = await once(child.stdout!, 'data');
  const url = String(data).match(/(http:\/\/[\d.:]+)/)![1];
  const rss = () => Number(readFileSync(`/proc/${child.pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)![1]) * 1024;
  const heap = async () => Number(await (await fetch(`${url}/heap`)).text());
  return { url, pid: child.pid!, rss, heap, stop: async () => { child.kill('SIGTERM'); await once(child, 'exit'); } };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) plainBroadcaster();
