import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostile, pngBomb, samples } from './fixtures/files';
import { DIALECTS, startServer, type Client, type TestServer } from './harness';
import { openEvents } from './sse-client';

type FilePart = { name: string; bytes: Uint8Array };

/** Sends a multipart message the way the widget does. */
function upload(client: Client, roomId: number, files: FilePart[], fields: Record<string, string> = {}) {
  const form = new FormData();
  form.set('clientId', fields.clientId ?? crypto.randomUUID());
  for (const [k, v] of Object.entries(fields)) if (k !== 'clientId') form.set(k, v);
  for (const f of files) form.append('files', new Blob([Buffer.from(f.bytes)]), f.name);
  return client.request('POST', `/rooms/${roomId}/messages`, undefined, {}, form);
}

/** Every file under UPLOAD_DIR, relative to it. */
function filesOnDisk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

describe.each(DIALECTS)('attachments on %s', (dialect) => {
  let server: TestServer;
  let alice: Client;
  let bruno: Client;
  let chloe: Client;
  let roomId: number;
  let files: Record<string, Uint8Array>;

  beforeAll(async () => {
    server = await startServer(dialect, { MAX_UPLOAD_BYTES: String(25 * 1024 * 1024) });
    [alice, bruno, chloe] = await Promise.all([server.as(1), server.as(2), server.as(3)]);
    roomId = (await (await alice.post('/rooms', { type: 'direct', userId: 2 })).json()).id;
    files = await samples();
  });
  afterAll(() => server?.close());

  const messageCount = async () => (await (await alice.get(`/rooms/${roomId}/messages`)).json()).messages.length;

  /** A refused upload leaves nothing: no message, no file, nothing staged. */
  async function expectRefused(res: Response, status: number) {
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const before = filesOnDisk(server.config.UPLOAD_DIR);
    expect(before.filter((f) => f.startsWith('.staging'))).toEqual([]);
    return res.json();
  }

  it('accepts every allowed type, typed from its bytes, and serves it back with safe headers', async () => {
    for (const [ext, bytes] of Object.entries(files)) {
      const res = await upload(alice, roomId, [{ name: `Échantillon ${ext}.${ext}`, bytes }], { content: `fichier ${ext}` });
      expect(res.status, ext).toBe(201);
      const msg = await res.json();
      expect(msg.type).toBe('file');
      const [a] = msg.attachments;
      expect(a).toMatchObject({ fileName: `Échantillon ${ext}.${ext}`, size: bytes.length, extension: ext });
      const download = await bruno.get(a.url.replace('/api/chat', ''));
      expect(download.status).toBe(200);
      expect(new Uint8Array(await download.arrayBuffer())).toEqual(new Uint8Array(bytes));
      expect(download.headers.get('x-content-type-options')).toBe('nosniff');
      expect(download.headers.get('content-type')).toBe(a.mimeType);
      const disposition = download.headers.get('content-disposition')!;
      const inline = ['pdf', 'jpg', 'png', 'gif', 'webp'].includes(ext);
      expect(disposition.startsWith(inline ? 'inline;' : 'attachment;'), ext).toBe(true);
      expect(disposition).toContain(`filename*=UTF-8''%C3%89chantillon%20${ext}.${ext}`);
      expect(download.headers.get('content-security-policy')).toContain('sandbox');
    }
    expect(filesOnDisk(server.config.UPLOAD_DIR).every((f) => /^\d+\/\d+\/(thumbnails\/)?[0-9a-f-]{36}\.\w+$/.test(f))).toBe(true);
  });

  it('announces the message with its attachments on the event feed', async () => {
    const feed = await openEvents('http://in-process/api/chat', bruno.token, { fetch: (url, init) => server.app.request(url, init) });
    try {
      // The in-process (Web stream) response tells where it starts too.
      expect(feed.headers.get('chat-last-event-id')).toMatch(/^[0-9]+$/);
      const sent = await (await upload(alice, roomId, [{ name: 'bon.pdf', bytes: files.pdf }, { name: 'photo.png', bytes: files.png }])).json();
      const event = await feed.waitFor((e) => e.event === 'message.created' && e.json.id === sent.id);
      expect(event.json.attachments).toEqual(sent.attachments);
      expect(event.json.attachments.map((a: { fileName: string }) => a.fileName)).toEqual(['bon.pdf', 'photo.png']);
      expect(event.json.attachments[1].thumbnailUrl).toBeTruthy();
    } finally {
      feed.close();
    }
  });

  it('makes small WebP thumbnails of pictures, cached by ETag', async () => {
    const res = await upload(alice, roomId, [{ name: 'photo.jpg', bytes: files.jpg }, { name: 'plan.pdf', bytes: files.pdf }]);
    const msg = await res.json();
    const [photo, pdf] = msg.attachments;
    expect(pdf.thumbnailUrl).toBeUndefined();
    const thumb = await bruno.get(photo.thumbnailUrl.replace('/api/chat', ''));
    expect(thumb.status).toBe(200);
    expect(thumb.headers.get('content-type')).toBe('image/webp');
    const meta = await sharp(Buffer.from(await thumb.arrayBuffer())).metadata();
    expect(meta.format).toBe('webp');
    expect(Math.max(meta.width!, meta.height!)).toBeLessThanOrEqual(480);
    const again = await bruno.request('GET', photo.thumbnailUrl.replace('/api/chat', ''), undefined, { 'If-None-Match': thumb.headers.get('etag')! });
    expect(again.status).toBe(304);
  });

  it('makes browsers revalidate every use of a file, so that one deleted or out of reach is not read from their cache', async () => {
    const msg = await (await upload(alice, roomId, [{ name: 'photo.png', bytes: files.png }])).json();
    const path = msg.attachments[0].url.replace('/api/chat', '');
    for (const p of [path, `${path}/thumbnail`]) {
      const res = await bruno.get(p);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('private, no-cache');
      const etag = res.headers.get('etag')!;
      const same = await bruno.request('GET', p, undefined, { 'If-None-Match': etag });
      expect(same.status).toBe(304);
      expect(same.headers.get('cache-control')).toBe('private, no-cache');
      // Revalidating after the deletion is refused: the cached copy is not used.
      expect((await chloe.request('GET', p, undefined, { 'If-None-Match': etag })).status).toBe(404);
    }
    expect((await alice.delete(`/messages/${msg.id}`)).status).toBe(200);
    expect((await bruno.request('GET', path, undefined, { 'If-None-Match': 'x' })).status).toBe(404);
  });

  it('refuses spoofed, executable and unknown files with 415, storing nothing', async () => {
    const count = await messageCount();
    const cases: FilePart[] = [
      { name: 'facture.pdf', bytes: hostile.html },
      { name: 'photo.png', bytes: hostile.elf },
      { name: 'logo.png', bytes: hostile.svg },
      { name: 'scan.jpg', bytes: files.pdf },
      { name: 'logo.svg', bytes: hostile.svg },
      { name: 'page.html', bytes: hostile.html },
      { name: 'setup.exe', bytes: hostile.exe },
      { name: 'run.sh', bytes: hostile.script },
      { name: 'sans-extension', bytes: files.pdf },
    ];
    for (const file of cases) {
      const problem = await expectRefused(await upload(alice, roomId, [file]), 415);
      expect(problem.detail).toContain(file.name);
    }
    expect(await messageCount()).toBe(count);
  });

  it('refuses the whole message when one file of several is bad', async () => {
    const count = await messageCount();
    const onDisk = filesOnDisk(server.config.UPLOAD_DIR);
    await expectRefused(await upload(alice, roomId, [
      { name: 'a.pdf', bytes: files.pdf }, { name: 'b.png', bytes: files.png }, { name: 'c.png', bytes: hostile.html },
    ]), 415);
    expect(await messageCount()).toBe(count);
    expect(filesOnDisk(server.config.UPLOAD_DIR)).toEqual(onDisk);
  });

  it('refuses a file of 25 MiB + 1 byte with 413 and accepts exactly 25 MiB', async () => {
    const big = new Uint8Array(25 * 1024 * 1024 + 1);
    big.set(files.zip);
    const onDisk = filesOnDisk(server.config.UPLOAD_DIR);
    await expectRefused(await upload(alice, roomId, [{ name: 'archive.zip', bytes: big }]), 413);
    expect(filesOnDisk(server.config.UPLOAD_DIR)).toEqual(onDisk);
    const res = await upload(alice, roomId, [{ name: 'archive.pdf', bytes: Uint8Array.from([...files.pdf, ...new Uint8Array(25 * 1024 * 1024 - files.pdf.length)]) }]);
    expect(res.status).toBe(201);
  });

  it('refuses a decompression bomb without decoding it', async () => {
    const started = Date.now();
    const problem = await expectRefused(await upload(alice, roomId, [{ name: 'bomb.png', bytes: pngBomb() }]), 413);
    expect(problem.detail).toContain('pixels');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('leaves nothing behind when the upload is cut off midway', async () => {
    const count = await messageCount();
    const onDisk = filesOnDisk(server.config.UPLOAD_DIR);
    const boundary = 'cut-off-boundary';
    const head = `--${boundary}\r\nContent-Disposition: form-data; name="clientId"\r\n\r\ncut-1\r\n`
      + `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="gros.pdf"\r\nContent-Type: application/pdf\r\n\r\n`;
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent === 0) controller.enqueue(new TextEncoder().encode(head));
        else if (sent < 20) controller.enqueue(new Uint8Array(256 * 1024).fill(37));
        else controller.error(new Error('connection reset'));
        sent++;
      },
    });
    const res = await server.app.request(`/api/chat/rooms/${roomId}/messages`, {
      method: 'POST', body, duplex: 'half',
      headers: { Authorization: `Bearer ${alice.token}`, 'Content-Type': `multipart/form-data; boundary=${boundary}` },
    } as RequestInit);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(await messageCount()).toBe(count);
    expect(filesOnDisk(server.config.UPLOAD_DIR)).toEqual(onDisk);
  });

  it('keeps hostile names for display only', async () => {
    const res = await upload(alice, roomId, [
      { name: '../../../etc/passwd.pdf', bytes: files.pdf },
      { name: 'C:\\Windows\\evil\u202Egpj.pdf', bytes: files.pdf },
      { name: 'tab\tname.pdf', bytes: files.pdf },
    ]);
    expect(res.status, await res.clone().text()).toBe(201);
    const names = (await res.json()).attachments.map((a: { fileName: string }) => a.fileName);
    expect(names).toEqual(['passwd.pdf', 'evilgpj.pdf', 'tabname.pdf']);
    expect(filesOnDisk(server.config.UPLOAD_DIR).some((f) => f.includes('passwd') || f.includes('evil'))).toBe(false);
  });

  it('shows attachments to members only', async () => {
    const msg = await (await upload(alice, roomId, [{ name: 'secret.pdf', bytes: files.pdf }])).json();
    const path = msg.attachments[0].url.replace('/api/chat', '');
    expect((await chloe.get(path)).status).toBe(404);
    expect((await chloe.get(`${path}/thumbnail`)).status).toBe(404);
    const anonymous = await server.app.request(`/api/chat${path}`);
    expect(anonymous.status).toBe(401);
    // A non-member learns nothing: the same answer as for an attachment that does not exist.
    expect(await (await chloe.get(path)).json()).toEqual(await (await chloe.get('/attachments/999999')).json());
  });

  it('answers a repeated clientId with the first message and keeps no extra file', async () => {
    const first = await upload(alice, roomId, [{ name: 'une.pdf', bytes: files.pdf }], { clientId: 'same-upload' });
    expect(first.status).toBe(201);
    const onDisk = filesOnDisk(server.config.UPLOAD_DIR);
    const again = await upload(alice, roomId, [{ name: 'une.pdf', bytes: files.pdf }], { clientId: 'same-upload' });
    expect(again.status).toBe(200);
    expect((await again.json()).id).toBe((await first.json()).id);
    expect(filesOnDisk(server.config.UPLOAD_DIR)).toEqual(onDisk);
  });

  it('removes the files of a deleted message and of a deleted room', async () => {
    const msg = await (await upload(alice, roomId, [{ name: 'photo.png', bytes: files.png }])).json();
    const dir = join(server.config.UPLOAD_DIR, String(roomId), String(msg.id));
    expect(filesOnDisk(dir)).toHaveLength(2);
    const deleted = await alice.delete(`/messages/${msg.id}`);
    expect((await deleted.json()).attachments).toEqual([]);
    expect(existsSync(dir)).toBe(false);
    expect((await bruno.get(msg.attachments[0].url.replace('/api/chat', ''))).status).toBe(404);

    const group = await (await alice.post('/rooms', { type: 'group', name: 'Achats', memberIds: [2] })).json();
    await upload(alice, group.id, [{ name: 'devis.xlsx', bytes: files.xlsx }]);
    expect(existsSync(join(server.config.UPLOAD_DIR, String(group.id)))).toBe(true);
    expect((await alice.delete(`/rooms/${group.id}`)).status).toBe(204);
    expect(existsSync(join(server.config.UPLOAD_DIR, String(group.id)))).toBe(false);
  });
});
