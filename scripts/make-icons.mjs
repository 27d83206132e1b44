// Draws Hearth's app icon (a flame on a dark rounded square) and writes the PNGs electron-builder
// takes from resources/: icon.png (1024 px; electron-builder derives .icns and .ico from it) and
// icons/<N>x<N>.png for Linux desktop entries. No image library: the shape is a function of the
// pixel position, sampled 4×4 per pixel for smooth edges, and the PNG is written with zlib.
// Run `node scripts/make-icons.mjs` after changing the drawing; the output is committed.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateSync } from 'node:zlib';

const resources = fileURLToPath(new URL('../resources/', import.meta.url));
const LINUX_SIZES = [16, 32, 48, 64, 128, 256, 512];
const SAMPLES = 4;

/** Linear mix of two RGB colours. */
const mix = (a, b, t) => a.map((v, i) => v + (b[i] - v) * Math.min(1, Math.max(0, t)));

/** Inside a square with rounded corners filling the unit square (with a small margin). */
function inRoundedSquare(x, y) {
  const margin = 0.04;
  const radius = 0.2;
  const dx = Math.max(Math.abs(x - 0.5) - (0.5 - margin - radius), 0);
  const dy = Math.max(Math.abs(y - 0.5) - (0.5 - margin - radius), 0);
  return dx * dx + dy * dy <= radius * radius;
}

/**
 * A flame: a round bottom that narrows to a point at the top, leaning a little to one side.
 * `scale` shrinks it around its base (the inner, hotter flame is the same shape, smaller).
 */
function inFlame(x, y, scale) {
  const top = 0.78 - 0.62 * scale; // y of the tip
  const bottom = 0.8; // y of the base
  const t = (y - top) / (bottom - top); // 0 at the tip, 1 at the base
  if (t < 0 || t > 1) return false;
  const halfWidth = 0.27 * scale * Math.pow(t, 1.3) * Math.sqrt(Math.max(0, 1 - Math.pow(t, 4)));
  const lean = 0.06 * scale * Math.pow(1 - t, 2); // the tip bends to the right
  return Math.abs(x - 0.5 - lean) <= halfWidth;
}

/** RGBA of one point of the icon (x, y in 0..1, y down). */
function colourAt(x, y) {
  if (!inRoundedSquare(x, y)) return [0, 0, 0, 0];
  if (inFlame(x, y, 0.45)) return [...mix([255, 236, 150], [255, 190, 60], (y - 0.55) / 0.25), 255];
  if (inFlame(x, y, 1)) return [...mix([255, 150, 40], [226, 72, 28], (y - 0.2) / 0.6), 255];
  // The hearth stone under the flame, then the dark background with a warm glow near the fire.
  if (y > 0.8 && y < 0.86 && Math.abs(x - 0.5) < 0.3) return [120, 74, 52, 255];
  const glow = Math.max(0, 1 - Math.hypot(x - 0.5, y - 0.62) / 0.55);
  return [...mix([34, 26, 24], [92, 44, 26], glow * glow), 255];
}

function render(size) {
  const rows = [];
  for (let py = 0; py < size; py++) {
    const row = Buffer.alloc(1 + size * 4); // filter byte 0 (none), then RGBA
    for (let px = 0; px < size; px++) {
      const sum = [0, 0, 0, 0];
      for (let sy = 0; sy < SAMPLES; sy++) {
        for (let sx = 0; sx < SAMPLES; sx++) {
          const [r, g, b, a] = colourAt((px + (sx + 0.5) / SAMPLES) / size, (py + (sy + 0.5) / SAMPLES) / size);
          // Premultiplied while averaging, so transparent samples do not darken the edge.
          sum[0] += r * a;
          sum[1] += g * a;
          sum[2] += b * a;
          sum[3] += a;
        }
      }
      const alpha = sum[3] / (SAMPLES * SAMPLES);
      const offset = 1 + px * 4;
      for (let c = 0; c < 3; c++) row[offset + c] = sum[3] === 0 ? 0 : Math.round(sum[c] / sum[3]);
      row[offset + 3] = Math.round(alpha);
    }
    rows.push(row);
  }
  return png(size, Buffer.concat(rows));
}

function png(size, raw) {
  const chunk = (type, data) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bits per channel
  header[9] = 6; // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

mkdirSync(join(resources, 'icons'), { recursive: true });
writeFileSync(join(resources, 'icon.png'), render(1024));
for (const size of LINUX_SIZES) writeFileSync(join(resources, 'icons', `${size}x${size}.png`), render(size));
console.log(`resources/icon.png and resources/icons/{${LINUX_SIZES.join(',')}}.png written`);
