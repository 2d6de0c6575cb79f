/**
 * The SVG diagram rendered by a real browser (Debian's Chromium through playwright-core), in a
 * light and a dark colour scheme: every node's text fits inside its box, no two boxes overlap,
 * every edge ends at a box, and the failing layer is drawn in the error colour. Screenshots go
 * to test-artifacts/diagram/. Skipped locally when Chromium or playwright-core is missing,
 * FAILS when `CI` is set (like the VS Code test).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { hasPlaywright, launchChromium, type Browser } from '../editors/playwright';
import { cli, FIXTURES, REPO } from './helpers';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = path.join(REPO, 'test-artifacts', 'diagram');
const TOOLS = path.join(REPO, '.test-tools');

function missing(): string | null {
  if (!existsSync(CHROMIUM)) return CHROMIUM;
  if (!hasPlaywright(TOOLS)) return 'playwright-core in .test-tools/';
  return null;
}

interface Layout {
  boxes: { id: string; x: number; y: number; w: number; h: number; textW: number; textH: number; fill: string }[];
  edgeEnds: { x: number; y: number }[];
}

const lacking = missing();
if (lacking && process.env.CI) throw new Error(`the diagram browser test needs ${lacking} (npm run test:setup installs it)`);

describe('the SVG diagram in a real browser', { skip: lacking ? `needs ${lacking}` : false }, () => {
  let browser: Browser;
  before(async () => {
    browser = await launchChromium(TOOLS, CHROMIUM);
    mkdirSync(ARTIFACTS, { recursive: true });
  });
  after(async () => browser?.close());

  for (const [name, file] of [
    ['founding', path.join(REPO, 'examples', 'gluon_naive_port.py')],
    ['branches', path.join(FIXTURES, 'diagram', 'branches.py')],
  ] as const) {
    for (const scheme of ['light', 'dark'] as const) {
      it(`lays out the ${name} model readably (${scheme})`, async () => {
        const r = await cli(['summary', file, '--format', 'svg'], REPO);
        assert.equal(r.code, 0, r.stderr);
        const page = await browser.newPage({ viewport: { width: 1000, height: 1000 }, colorScheme: scheme });
        await page.setContent(`<!doctype html><html><body style="margin:0">${r.stdout}</body></html>`);
        const layout: Layout = await page.evaluate(() => {
          const boxes = [...document.querySelectorAll('g.node')].map((g) => {
            const rect = g.querySelector('rect')!.getBBox();
            const text = g.querySelector('text')!.getBBox();
            return {
              id: g.getAttribute('data-id')!,
              x: rect.x, y: rect.y, w: rect.width, h: rect.height,
              textW: text.width, textH: text.height,
              fill: getComputedStyle(g.querySelector('rect')!).fill,
            };
          });
          const edgeEnds = [...document.querySelectorAll('g.edge path')].map((p) => {
            const path = p as SVGPathElement;
            const end = path.getPointAtLength(path.getTotalLength());
            return { x: end.x, y: end.y };
          });
          return { boxes, edgeEnds };
        });
        await page.screenshot({ path: path.join(ARTIFACTS, `${name}-${scheme}.png`), fullPage: true });
        await page.close();

        assert.ok(layout.boxes.length >= 3);
        for (const b of layout.boxes) {
          assert.ok(b.textW <= b.w + 0.5 && b.textH <= b.h + 0.5, `text of ${b.id} fits its box (${b.textW}x${b.textH} in ${b.w}x${b.h})`);
        }
        for (const [i, a] of layout.boxes.entries()) {
          for (const b of layout.boxes.slice(i + 1)) {
            const apart = a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y;
            assert.ok(apart, `${a.id} and ${b.id} do not overlap`);
          }
        }
        for (const end of layout.edgeEnds) {
          const near = layout.boxes.some((b) => end.x >= b.x - 1 && end.x <= b.x + b.w + 1 && Math.abs(end.y - b.y) <= 2);
          assert.ok(near, `an edge ends on the top of a box (${end.x}, ${end.y})`);
        }
        const failing = layout.boxes.filter((b) => b.fill !== layout.boxes[0].fill);
        assert.equal(failing.length, name === 'founding' ? 1 : 0, 'only the failing layer has another fill');
      });
    }
  }
});
