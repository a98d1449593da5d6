import { randomUUID } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import busboy from 'busboy';
import { parse as parseContentType } from 'content-type';
import { fileTypeFromFile } from 'file-type';
import mime from 'mime-types';
import sharp from 'sharp';
import { badRequest, tooLarge, unsupportedType } from './errors';

/** The folder of UPLOAD_DIR where uploads wait for their message (emptied at start). */
export const STAGING = '.staging';

/** How many files one message may carry. */
export const MAX_FILES = 10;
/** Images above this many pixels are refused before anything is decoded (decompression bombs). */
export const MAX_IMAGE_PIXELS = 40_000_000;
const THUMB_SIZE = 480;

// Declared extension → what file-type must find in the bytes. The old Office
// formats are all Compound File Binary containers.
const ACCEPTED: Record<string, string> = {
  pdf: 'pdf', doc: 'cfb', xls: 'cfb', ppt: 'cfb', docx: 'docx', xlsx: 'xlsx', pptx: 'pptx',
  jpg: 'jpg', jpeg: 'jpg', png: 'png', gif: 'gif', webp: 'webp', zip: 'zip', rar: 'rar', '7z': '7z',
};
const IMAGES = new Set(['jpg', 'png', 'gif', 'webp']);

/** A file received and checked, waiting in the staging folder for its message. */
export interface StagedFile {
  path: string;
  fileName: string;
  size: number;
  extension: string;
  mimeType: string;
  thumbnailPath: string | null;
}

export interface Upload {
  fields: Record<string, string>;
  files: StagedFile[];
}

/** Display name of an uploaded file: no folders, no control characters, at most 255 characters. */
export function cleanFileName(raw: string): string {
  const base = raw.split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const name = base.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '').trim();
  return (name.replace(/^\.+/, '') || 'fichier').slice(-255);
}

/** What an upload may hold, and how long it may stall. */
export interface UploadLimits {
  maxFileBytes: number;
  /** An upload that sends nothing for this long is answered 400 and dropped. */
  idleMs: number;
}

/**
 * Receives a multipart/form-data body into a staging folder of its own, hands
 * the checked files and fields to `use` (which moves the files it keeps), then
 * removes the folder, whatever happened. Nothing of a failed upload stays on disk.
 */
export async function withUpload<T>(
  body: Readable, contentType: string, uploadDir: string, limits: UploadLimits, use: (upload: Upload) => Promise<T>,
): Promise<T> {
  const staging = join(uploadDir, STAGING, randomUUID());
  try {
    return await use(await receiveUpload(body, contentType, staging, limits));
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

const FIELDS = ['content', 'clientId', 'replyToId'];
const tooMany = () => tooLarge(`A message carries at most ${MAX_FILES} files and the fields content, clientId and replyToId.`, { reason: 'too-many-files', maxFiles: MAX_FILES });
const malformed = (detail: string) => badRequest(detail, { reason: 'upload-malformed' });

/**
 * Streams a multipart/form-data body to disk under `stagingDir`: never the
 * whole body in memory, each file cut off (413) past `maxFileBytes`. Every
 * file is then typed from its bytes, which must agree with its extension
 * (415 otherwise), and images get a thumbnail.
 *
 * Every body gets an answer: a part that is not one of ours, one too many, a
 * part whose headers cannot be read, a stall or a cut-off all reject at once,
 * after the files being written are closed. The rest of a refused body is
 * read and dropped (so the answer reaches the client), for `idleMs` at most.
 */
export async function receiveUpload(body: Readable, contentType: string, stagingDir: string, limits: UploadLimits): Promise<Upload> {
  let boundary: string | undefined;
  try {
    const parsed = parseContentType(contentType);
    if (parsed.type === 'multipart/form-data') boundary = parsed.parameters.boundary;
  } catch { /* reported below */ }
  if (!boundary) throw malformed('The body must be multipart/form-data with a boundary.');
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: { 'content-type': contentType },
      // busboy signals 'limit' on reaching fileSize; one byte more means "over the maximum".
      // Files are counted here (busboy would skip extra ones silently); its parts limit only bounds the work.
      limits: { fileSize: limits.maxFileBytes + 1, fieldSize: 64 * 1024, parts: MAX_FILES + FIELDS.length + 1, headerPairs: 20 },
      defParamCharset: 'utf8',
    });
  } catch {
    throw malformed('The body must be multipart/form-data with a boundary.');
  }
  await mkdir(stagingDir, { recursive: true });
  const counter = new PartCounter(boundary);
  const fields: Record<string, string> = {};
  const received: { path: string; fileName: string; size: number }[] = [];
  const outputs: WriteStream[] = [];
  let seen = 0;

  return new Promise<Upload>((resolve, reject) => {
    let settled = false;
    let idle: NodeJS.Timeout;
    const stall = () => fail(badRequest(`The upload stalled: nothing arrived for ${Math.round(limits.idleMs / 1000)} s.`, { reason: 'upload-stalled' }));
    const fail = (err: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(idle);
      body.unpipe(counter);
      counter.unpipe(parser);
      parser.removeAllListeners('file');
      // Drop the rest of the body, so that the answer reaches the client; a client that goes on stalling is cut off.
      if (!body.readableEnded) {
        body.resume();
        const cut = setTimeout(() => body.destroy(), limits.idleMs).unref();
        body.once('end', () => clearTimeout(cut)).once('close', () => clearTimeout(cut));
      }
      for (const out of outputs) out.destroy();
      void Promise.all(outputs.map(closed)).then(() => reject(err));
    };
    const finish = async () => {
      try {
        await Promise.all(outputs.map(finished));
        // A part busboy skipped had headers it could not read: an error, never a file silently dropped.
        if (counter.parts !== seen) throw malformed('A part of the body has headers that cannot be read.');
        if (settled) return;
        settled = true;
        clearTimeout(idle);
        resolve({ fields, files: await checkAll(received, stagingDir) });
      } catch (err) {
        settled = false;
        fail(err);
      }
    };

    idle = setTimeout(stall, limits.idleMs);
    body.on('data', () => { if (!settled) idle.refresh(); });
    body.on('error', () => fail(badRequest('The upload was cut off.', { reason: 'upload-cut' })));
    body.on('aborted', () => fail(badRequest('The upload was cut off.', { reason: 'upload-cut' })));
    parser.on('field', (name, value, info) => {
      seen++;
      if (info.valueTruncated) fail(tooLarge(`The field ${name} is too long.`, { reason: 'field-too-long', field: name }));
      else if (!FIELDS.includes(name)) fail(malformed(`Unknown field ${name}.`));
      else if (Object.hasOwn(fields, name)) fail(malformed(`The field ${name} is given twice.`));
      else fields[name] = value;
    });
    parser.on('file', (name, stream, info) => {
      seen++;
      if (settled) return void stream.resume();
      if (name !== 'files') return void (stream.resume(), fail(malformed(`Files go in the field "files", not "${name}".`)));
      if (received.length === MAX_FILES) return void (stream.resume(), fail(tooMany()));
      const file = { path: join(stagingDir, randomUUID()), fileName: cleanFileName(info.filename ?? ''), size: 0 };
      received.push(file);
      const out = createWriteStream(file.path);
      outputs.push(out);
      out.on('error', fail);
      stream.on('limit', () => fail(tooLarge(`${file.fileName}: each file must be at most ${limits.maxFileBytes} bytes.`, { reason: 'file-too-large', fileName: file.fileName, maxBytes: limits.maxFileBytes })));
      stream.on('data', (chunk: Buffer) => {
        file.size += chunk.length;
        // Back-pressure: busboy stops parsing while the disk catches up.
        if (!out.write(chunk)) { stream.pause(); out.once('drain', () => stream.resume()); }
      });
      stream.on('end', () => out.end());
      // A body cut short errors the file being read as well as the parser: the parser's error is the one answered.
      stream.on('error', () => out.destroy());
    });
    parser.on('partsLimit', () => fail(tooMany()));
    parser.on('error', (err) => fail(malformed(`The multipart body is malformed: ${(err as Error).message}.`)));
    parser.on('close', () => void finish());
    body.pipe(counter).pipe(parser);
  });
}

/** Resolves once a file stream is closed, whether it finished or was destroyed. */
const closed = (out: WriteStream) => new Promise<void>((resolve) => (out.closed ? resolve() : out.once('close', () => resolve())));
/** Resolves once a file is completely on disk, rejects if writing it failed. */
const finished = (out: WriteStream) => new Promise<void>((resolve, reject) => {
  if (out.errored) reject(out.errored);
  else if (out.writableFinished) resolve();
  else out.once('finish', resolve).once('error', reject);
});

async function checkAll(received: { path: string; fileName: string; size: number }[], stagingDir: string) {
  const files: StagedFile[] = [];
  for (const file of received) files.push(await checkFile(file, stagingDir));
  return files;
}

/**
 * Counts the parts of a multipart body by its delimiters, as they pass. busboy
 * skips a part whose headers it cannot read without a word; comparing the
 * count with the parts it reported tells that one was skipped.
 */
class PartCounter extends Transform {
  private delimiters = 0;
  private readonly delimiter: Buffer;
  // The body starts as if after a line break: its first delimiter has no CRLF before it.
  private tail = Buffer.from('\r\n');

  constructor(boundary: string) {
    super();
    this.delimiter = Buffer.from(`\r\n--${boundary}`);
  }

  /** Parts seen: every delimiter opens one, but the closing one. */
  get parts() { return Math.max(0, this.delimiters - 1); }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
    const data = Buffer.concat([this.tail, chunk]);
    let from = 0;
    for (let at = data.indexOf(this.delimiter); at !== -1; at = data.indexOf(this.delimiter, from)) {
      this.delimiters++;
      from = at + this.delimiter.length;
    }
    // Keep what may be the start of a delimiter cut by the chunk's end.
    this.tail = data.subarray(Math.max(from, data.length - this.delimiter.length + 1));
    callback(null, chunk);
  }
}

/** Types a staged file from its bytes (415 unless they agree with its extension) and thumbnails pictures. */
export async function checkFile(file: { path: string; fileName: string; size: number }, stagingDir: string): Promise<StagedFile> {
  const declared = file.fileName.includes('.') ? file.fileName.split('.').pop()!.toLowerCase() : '';
  const expected = ACCEPTED[declared];
  if (!expected) {
    throw unsupportedType(`${file.fileName}: this type of file is not accepted (PDF, Office, images, ZIP, RAR and 7z are).`, { reason: 'file-type', fileName: file.fileName, extension: declared });
  }
  if (file.size === 0) throw badRequest(`${file.fileName} is empty.`, { reason: 'empty-file', fileName: file.fileName });
  const found = await fileTypeFromFile(file.path);
  if (found?.ext !== expected) {
    throw unsupportedType(`${file.fileName}: its content is not a .${declared} file.`, { reason: 'content-mismatch', fileName: file.fileName, extension: declared });
  }
  const extension = declared === 'jpeg' ? 'jpg' : declared;
  const staged: StagedFile = {
    ...file, extension, mimeType: mime.lookup(extension) || found.mime, thumbnailPath: null,
  };
  if (IMAGES.has(extension)) staged.thumbnailPath = await thumbnail(file, stagingDir);
  return staged;
}

async function thumbnail(file: { path: string; fileName: string }, stagingDir: string): Promise<string | null> {
  // The header tells the size without decoding a pixel, so no limit is needed to read it.
  const meta = await sharp(file.path, { limitInputPixels: false }).metadata().catch(() => null);
  if (!meta?.width || !meta.height) return null;
  if (meta.width * meta.height > MAX_IMAGE_PIXELS) {
    throw tooLarge(`${file.fileName}: images may have at most ${MAX_IMAGE_PIXELS} pixels.`, { reason: 'image-pixels', fileName: file.fileName, maxPixels: MAX_IMAGE_PIXELS });
  }
  const out = join(stagingDir, `${randomUUID()}.webp`);
  try {
    // sharp works on libuv's thread pool: the event loop stays free meanwhile.
    await sharp(file.path, { limitInputPixels: MAX_IMAGE_PIXELS, animated: false })
      .rotate()
      .resize(THUMB_SIZE, THUMB_SIZE, { fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 78 })
      .toFile(out);
    return out;
  } catch {
    // A picture that cannot be decoded is still a valid attachment, without a preview.
    await rm(out, { force: true });
    return null;
  }
}
