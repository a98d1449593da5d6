import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ExcelJS from 'exceljs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launcher, launchChromium, startDemo, type RunningServer } from '../../testkit/chromium';

/*
 * A person exports a conversation of the demo from its settings, and opens
 * what the browser saved: the PDF through pdftotext, the spreadsheet with exceljs.
 */
describe('exporting a conversation from the widget, against the real server', () => {
  let server: RunningServer;
  let browser: Browser;
  const dir = mkdtempSync(join(tmpdir(), 'ippchat-e2e-export-'));

  beforeAll(async () => {
    server = await startDemo();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('saves the PDF and the spreadsheet of "Achats Asie" under the room\'s name', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true, timezoneId: 'Europe/Paris' });
    try {
      const page = await context.newPage();
      await page.goto(`${server.url}/demo/?user=1`);
      await launcher(page).click();
      const chat = page.locator('ipp-chat');
      await chat.getByRole('button', { name: /^Achats Asie/ }).click();
      await chat.getByRole('button', { name: 'Paramètres', exact: true }).click();

      const save = async (label: string, file: string) => {
        const [download] = await Promise.all([page.waitForEvent('download'), chat.getByRole('button', { name: label }).click()]);
        await download.saveAs(join(dir, file));
        return download.suggestedFilename();
      };
      expect(await save('Exporter en PDF', 'room.pdf')).toMatch(/^Achats Asie \d{4}-\d{2}-\d{2}\.pdf$/);
      const { stdout } = await promisify(execFile)('pdftotext', ['-enc', 'UTF-8', join(dir, 'room.pdf'), '-']);
      const text = stdout.replace(/\s+/g, ' ');
      expect(text).toContain('Achats Asie');
      expect(text).toContain('Participants : Camille Laurent, Julien Moreau, Sophie Lefèvre, Thomas Girard');
      expect(text).toContain('Le conteneur est arrivé au Havre ce matin');
      expect(text).toContain('Pièces jointes : Conteneur MSKU4815162.png');
      expect(text).toContain('Europe/Paris');

      expect(await save('Exporter en Excel', 'room.xlsx')).toMatch(/^Achats Asie \d{4}-\d{2}-\d{2}\.xlsx$/);
      const book = new ExcelJS.Workbook();
      const saved = readFileSync(join(dir, 'room.xlsx'));
      await book.xlsx.load(saved.buffer.slice(saved.byteOffset, saved.byteOffset + saved.byteLength) as ArrayBuffer);
      const sheet = book.getWorksheet('Messages')!;
      expect(sheet.getRow(1).values).toEqual([undefined, 'Date', 'Expéditeur', 'Message', 'Réponse à', 'Pièces jointes']);
      const texts = sheet.getRows(2, sheet.rowCount - 1)!.map((r) => String(r.getCell(3).value ?? ''));
      expect(texts).toContain('Le conteneur est arrivé au Havre ce matin, déchargement prévu jeudi.');
    } finally {
      await context.close();
    }
  });
});
