/**
 * Photo-like garment inputs, drawn procedurally (there is no network to fetch real photos and we may not ship
 * other people's): what a seller really uploads is a phone photo of a garment laid on the floor or a bed, or
 * hung on a wall — fabric texture, folds, seams, a printed logo, window light falling off across the frame,
 * a soft contact shadow, a slightly tilted camera, sensor grain and JPEG. The synthetic flat T-shirt of
 * fixtures.ts is kept for the unit tests that measure geometry; these are the e2e uploads and the inputs of
 * docs/samples/ (committed under docs/samples/inputs/ by scripts/make-samples.ts).
 *
 * Everything is seeded: the same kind and size always give the same bytes on the same sharp/librsvg build.
 */
import sharp from 'sharp'
import { createSeededRandom } from './seeded-random'

export const PHOTO_GARMENTS = ['tshirt-wood', 'dress-hanger', 'jeans-linen', 'shirt-wood'] as const
export type PhotoGarmentKind = (typeof PHOTO_GARMENTS)[number]

/** What each photo shows, for captions and for picking the garment type in tests. */
export const PHOTO_GARMENT_INFO: Record<PhotoGarmentKind, { garmentType: 'top' | 'bottom' | 'dress' | 'outerwear'; caption: string }> = {
  'tshirt-wood': { garmentType: 'top', caption: '印花 T 恤平铺在木地板上' },
  'dress-hanger': { garmentType: 'dress', caption: '连衣裙挂在白墙上' },
  'jeans-linen': { garmentType: 'bottom', caption: '牛仔裤平铺在亚麻床单上' },
  'shirt-wood': { garmentType: 'top', caption: '条纹衬衫平铺在亚麻床单上' },
}

export interface PhotoGarmentOptions {
  width?: number
  height?: number
  /** JPEG quality (phones save 85–95). */
  quality?: number
}

type Rgb = [number, number, number]
type Rand = () => number

const hex = (c: string): Rgb => {
  const n = parseInt(c.slice(1), 16)
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255]
}

/** Smooth value noise in [-1, 1] at w×h: random cells scaled up with a cubic kernel. */
async function smoothNoise(rand: Rand, w: number, h: number, cellsX: number, cellsY = Math.max(2, Math.round((cellsX * h) / w))): Promise<Float32Array> {
  const small = Buffer.alloc(cellsX * cellsY)
  for (let i = 0; i < small.length; i++) small[i] = Math.floor(rand() * 256)
  const { data, info } = await sharp(small, { raw: { width: cellsX, height: cellsY, channels: 1 } })
    .resize(w, h, { kernel: 'cubic', fit: 'fill' })
    .extractChannel(0)
    .raw()
    .toBuffer({ resolveWithObject: true })
  const out = new Float32Array(w * h)
  const ch = info.channels
  for (let p = 0; p < w * h; p++) out[p] = data[p * ch]! / 127.5 - 1
  return out
}

/** A seeded sum of two octaves (broad mottling plus finer blotches). */
async function mottle(rand: Rand, w: number, h: number, cells: number): Promise<Float32Array> {
  const a = await smoothNoise(rand, w, h, cells)
  const b = await smoothNoise(rand, w, h, cells * 4)
  for (let i = 0; i < a.length; i++) a[i] = a[i]! * 0.7 + b[i]! * 0.3
  return a
}

type Surface = 'wood' | 'linen' | 'wall'

/** The floor, sheet or wall, as float RGB. */
async function drawSurface(kind: Surface, rand: Rand, w: number, h: number): Promise<Float32Array> {
  const rgb = new Float32Array(w * h * 3)
  const low = await mottle(rand, w, h, 6)
  if (kind === 'wood') {
    // Pale oak boards running top to bottom: each board its own tone and grain phase, thin seams between.
    const base = hex('#d9c3a1')
    const boardW = Math.round(w / 3.6)
    const boards = Math.ceil(w / boardW) + 1
    const tone = Array.from({ length: boards }, () => (rand() - 0.5) * 0.07)
    const phase = Array.from({ length: boards }, () => rand() * 100)
    const knots = Array.from({ length: boards }, () => ({ y: rand() * h, x: 0.2 + rand() * 0.6, s: 18 + rand() * 30 }))
    const fine = await smoothNoise(rand, w, h, Math.round(w / 3), Math.round(h / 40))
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const b = Math.floor(x / boardW)
        const bx = x - b * boardW
        const k = knots[b]!
        const dx = bx - k.x * boardW
        const dy = (y - k.y) / 3
        const knot = Math.exp(-(dx * dx + dy * dy) / (k.s * k.s))
        // Grain: lines along the board, wandering slowly and bending around the knot.
        const warp = 6 * Math.sin(y / 173 + phase[b]!) + 2.5 * Math.sin(y / 41 + phase[b]! * 2) + knot * 14
        const grain = Math.sin(((bx + warp) * 2 * Math.PI) / 11 + phase[b]!) * 0.5 + Math.sin(((bx + warp * 1.7) * 2 * Math.PI) / 4.3) * 0.25
        const seam = bx < 2 ? 0.88 : bx < 3 ? 0.95 : 1
        const v = (1 + tone[b]! + grain * 0.035 + fine[y * w + x]! * 0.03 + low[y * w + x]! * 0.02 - knot * 0.08) * seam
        const p = (y * w + x) * 3
        rgb[p] = base[0] * v
        rgb[p + 1] = base[1] * v * (1 - knot * 0.03)
        rgb[p + 2] = base[2] * v * (1 - knot * 0.06)
      }
    }
  } else if (kind === 'linen') {
    // An oatmeal linen sheet: threads of uneven thickness both ways (slubs), and broad soft creases.
    const base = hex('#e6dfd2')
    const rowSlub = new Float32Array(h)
    const colSlub = new Float32Array(w)
    for (let y = 0; y < h; y++) rowSlub[y] = (rand() - 0.5) * (rand() < 0.08 ? 0.12 : 0.05)
    for (let x = 0; x < w; x++) colSlub[x] = (rand() - 0.5) * (rand() < 0.08 ? 0.12 : 0.05)
    const crease = await smoothNoise(rand, w, h, 9, 7)
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const i = y * w + x
        const weave = ((x + y) & 1) === 0 ? rowSlub[y]! : colSlub[x]!
        // Creases shade by their slope (light from the top left), not by their height.
        const slope = x > 0 && y > 0 ? (crease[i]! - crease[i - 1]! + crease[i]! - crease[i - w]!) * 60 : 0
        const v = 1 + weave + (rand() - 0.5) * 0.025 + low[i]! * 0.015 + slope * 0.035
        rgb[i * 3] = base[0] * v
        rgb[i * 3 + 1] = base[1] * v
        rgb[i * 3 + 2] = base[2] * v
      }
    }
  } else {
    // A painted wall: faint roller mottling and plaster grain.
    const base = hex('#e9e6e1')
    for (let i = 0; i < w * h; i++) {
      const v = 1 + low[i]! * 0.018 + (rand() - 0.5) * 0.02
      rgb[i * 3] = base[0] * v
      rgb[i * 3 + 1] = base[1] * v
      rgb[i * 3 + 2] = base[2] * v
    }
  }
  return rgb
}

type Fabric = 'jersey' | 'denim' | 'crepe' | 'oxford'

/** Per-pixel fabric structure multiplied into the garment's colour. */
function fabricFactor(fabric: Fabric, x: number, y: number, rand: Rand, colNoise: Float32Array, w: number): number {
  switch (fabric) {
    case 'jersey':
      return 1 + Math.sin((x * 2 * Math.PI) / 3.2) * 0.025 + (rand() - 0.5) * 0.05
    case 'denim': {
      // 3/1 twill: diagonal ridges, plus vertical slub streaks of the warp yarn.
      const twill = Math.sin(((x + y * 1.0) * 2 * Math.PI) / 5) * 0.07
      return 1 + twill + colNoise[x % w]! * 0.07 + (rand() - 0.5) * 0.08
    }
    case 'oxford':
      return 1 + (((x >> 1) + (y >> 1)) & 1 ? 0.03 : -0.03) + (rand() - 0.5) * 0.04
    default:
      return 1 + (rand() - 0.5) * 0.035
  }
}

interface GarmentArt {
  surface: Surface
  fabric: Fabric
  /** SVG body in a 1000×1300 design space (the scene is drawn at that aspect, then photographed). */
  svg: string
  /** Shadow offset in design units and its softness: flat-lays barely lift, a hung dress stands off the wall. */
  shadow: { dx: number; dy: number; blur: number; opacity: number }
  /** Where the window is, as a point in [0,1]²: light falls off away from it. */
  light: [number, number]
  /** Colour temperature tint (multipliers for r, g, b). */
  tint: Rgb
  /** Wrinkle relief: noise cells across and down (long cells = long creases) and the shading strength. */
  relief: { cellsX: number; cellsY: number; strength: number }
}

const defs = (extra = '') => `<defs>
  <filter id="soft" x="-20%" y="-20%" width="140%" height="140%"><feGaussianBlur stdDeviation="9"/></filter>
  <filter id="softer" x="-20%" y="-20%" width="140%" height="140%"><feGaussianBlur stdDeviation="22"/></filter>
  <filter id="crisp" x="-20%" y="-20%" width="140%" height="140%"><feGaussianBlur stdDeviation="1.6"/></filter>
  ${extra}
</defs>`

function tshirtArt(): GarmentArt {
  const body =
    'M392 196 C360 204 300 214 262 232 C220 252 170 300 118 372 C108 388 112 400 126 410 L214 470 C226 476 236 472 244 460 L270 420 C276 520 274 700 266 1050 C266 1068 278 1076 296 1078 C430 1090 570 1090 708 1080 C726 1078 734 1068 734 1050 C728 700 724 520 730 420 L756 460 C764 472 774 476 786 470 L874 410 C888 400 892 388 882 372 C830 300 780 252 738 232 C700 214 640 204 608 196 C590 250 410 250 392 196 Z'
  const green = '#2f5d50'
  return {
    surface: 'wood',
    fabric: 'jersey',
    light: [0.15, 0.05],
    tint: [1.03, 1.0, 0.95],
    shadow: { dx: 6, dy: 9, blur: 7, opacity: 0.17 },
    relief: { cellsX: 7, cellsY: 5, strength: 0.7 },
    svg: `${defs()}
  <clipPath id="c"><path d="${body}"/></clipPath>
  <g transform="rotate(-4 500 650)">
  <path d="${body}" fill="${green}"/>
  <g clip-path="url(#c)">
    <g filter="url(#softer)">
      <path d="M330 480 C350 650 320 850 340 1080" stroke="#000" stroke-opacity="0.28" stroke-width="46" fill="none"/>
      <path d="M640 450 C620 640 670 860 650 1080" stroke="#000" stroke-opacity="0.22" stroke-width="40" fill="none"/>
      <path d="M470 300 C500 560 450 800 490 1080" stroke="#fff" stroke-opacity="0.16" stroke-width="60" fill="none"/>
      <path d="M270 900 C420 950 560 890 730 940" stroke="#000" stroke-opacity="0.18" stroke-width="36" fill="none"/>
      <path d="M150 380 L260 300" stroke="#fff" stroke-opacity="0.12" stroke-width="40"/>
      <path d="M850 380 L740 300" stroke="#000" stroke-opacity="0.2" stroke-width="40"/>
    </g>
    <g filter="url(#soft)">
      <path d="M290 620 C340 640 360 700 352 760" stroke="#000" stroke-opacity="0.25" stroke-width="10" fill="none"/>
      <path d="M690 700 C650 720 640 780 660 830" stroke="#000" stroke-opacity="0.22" stroke-width="9" fill="none"/>
      <path d="M250 440 L265 420 L272 1040" stroke="#000" stroke-opacity="0.18" stroke-width="14" fill="none"/>
      <path d="M750 440 L735 420 L728 1040" stroke="#000" stroke-opacity="0.22" stroke-width="14" fill="none"/>
    </g>
    <!-- Hem and sleeve hems: a folded band with twin-needle stitching. -->
    <path d="M266 1040 C430 1052 570 1052 734 1042" stroke="#000" stroke-opacity="0.14" stroke-width="3" fill="none"/>
    <path d="M266 1050 C430 1062 570 1062 734 1052" stroke="#1f4037" stroke-width="1.6" stroke-dasharray="5 4" fill="none"/>
    <path d="M268 1060 C430 1072 570 1072 734 1062" stroke="#1f4037" stroke-width="1.6" stroke-dasharray="5 4" fill="none"/>
    <path d="M130 392 L222 456" stroke="#1f4037" stroke-width="1.6" stroke-dasharray="5 4"/>
    <path d="M870 392 L778 456" stroke="#1f4037" stroke-width="1.6" stroke-dasharray="5 4"/>
    <path d="M262 232 C262 260 268 300 270 420" stroke="#000" stroke-opacity="0.2" stroke-width="2" fill="none"/>
    <path d="M738 232 C738 260 732 300 730 420" stroke="#000" stroke-opacity="0.2" stroke-width="2" fill="none"/>
  </g>
  <!-- Rib collar and the inside back neck with its label. -->
  <path d="M392 196 C410 250 590 250 608 196 C590 214 410 214 392 196 Z" fill="#23463c"/>
  <path d="M392 196 C410 262 590 262 608 196" stroke="#2a5246" stroke-width="24" fill="none"/>
  <path d="M392 196 C410 262 590 262 608 196" stroke="#000" stroke-opacity="0.25" stroke-width="24" stroke-dasharray="2 3" fill="none"/>
  <path d="M380 208 C405 282 595 282 620 208" stroke="#1f4037" stroke-width="1.6" stroke-dasharray="5 4" fill="none"/>
  <rect x="482" y="212" width="36" height="20" rx="2" fill="#efe9dc"/>
  <rect x="488" y="218" width="24" height="2" fill="#7b776f"/><rect x="488" y="224" width="16" height="2" fill="#7b776f"/>
  <!-- Screen print: a badge with mountains, sun and lettering; slightly cracked ink. -->
  <g transform="translate(500 470)" opacity="0.94">
    <circle r="118" fill="none" stroke="#efe4cf" stroke-width="10"/>
    <circle r="100" fill="none" stroke="#efe4cf" stroke-width="3"/>
    <circle cx="38" cy="-30" r="22" fill="#e8a33d"/>
    <path d="M-86 34 L-40 -22 L-14 8 L20 -40 L86 34 Z" fill="#efe4cf"/>
    <path d="M-40 -22 L-30 -10 L-44 -6 Z M20 -40 L34 -22 L16 -18 Z" fill="${green}"/>
    <path d="M-92 40 L92 40" stroke="#efe4cf" stroke-width="6"/>
    <rect x="-104" y="50" width="208" height="36" fill="${green}"/>
    <text x="0" y="76" text-anchor="middle" font-family="DejaVu Sans, Liberation Sans, sans-serif" font-weight="bold" font-size="25" letter-spacing="2" fill="#efe4cf">NORTH TRAIL</text>
    <text x="0" y="-66" text-anchor="middle" font-family="DejaVu Sans, Liberation Sans, sans-serif" font-weight="bold" font-size="18" letter-spacing="6" fill="#efe4cf">EST. 2019</text>
  </g>
  </g>`,
  }
}

function dressArt(): GarmentArt {
  const dress =
    'M408 250 C420 300 450 330 500 334 C550 330 580 300 592 250 L640 262 C650 300 660 330 690 350 C672 420 650 470 646 540 C700 700 770 920 820 1140 C700 1172 300 1172 180 1140 C230 920 300 700 354 540 C350 470 328 420 310 350 C340 330 350 300 360 262 Z'
  const red = '#b4533a'
  // A small ditsy floral print, scattered deterministically.
  const rand = createSeededRandom('dress-print')
  let flowers = ''
  for (let i = 0; i < 150; i++) {
    const x = 170 + rand() * 660
    const y = 260 + rand() * 900
    const r = 5 + rand() * 3
    const rot = Math.round(rand() * 72)
    flowers += `<g transform="translate(${x.toFixed(1)} ${y.toFixed(1)}) rotate(${rot})"><circle cx="0" cy="-${r}" r="${(r * 0.62).toFixed(1)}"/><circle cx="${(r * 0.95).toFixed(1)}" cy="-${(r * 0.3).toFixed(1)}" r="${(r * 0.62).toFixed(1)}"/><circle cx="${(r * 0.59).toFixed(1)}" cy="${(r * 0.8).toFixed(1)}" r="${(r * 0.62).toFixed(1)}"/><circle cx="-${(r * 0.59).toFixed(1)}" cy="${(r * 0.8).toFixed(1)}" r="${(r * 0.62).toFixed(1)}"/><circle cx="-${(r * 0.95).toFixed(1)}" cy="-${(r * 0.3).toFixed(1)}" r="${(r * 0.62).toFixed(1)}"/><circle r="${(r * 0.4).toFixed(1)}" fill="#e9b949"/></g>`
  }
  return {
    surface: 'wall',
    fabric: 'crepe',
    light: [0.9, 0.1],
    tint: [1.0, 1.0, 1.02],
    shadow: { dx: -14, dy: 22, blur: 30, opacity: 0.16 },
    relief: { cellsX: 12, cellsY: 3, strength: 0.6 },
    svg: `${defs()}
  <clipPath id="c"><path d="${dress}"/></clipPath>
  <!-- Nail and a wooden hanger with a chrome hook. -->
  <circle cx="500" cy="96" r="7" fill="#8c8a86"/>
  <path d="M500 100 C470 104 472 150 500 150 C520 150 522 170 500 190 L500 214" stroke="#b9bcc0" stroke-width="6" fill="none" stroke-linecap="round"/>
  <path d="M500 100 C470 104 472 150 500 150" stroke="#fff" stroke-opacity="0.6" stroke-width="2" fill="none"/>
  <path d="M236 286 C300 250 420 214 500 210 C580 214 700 250 764 286 C772 292 770 304 758 302 C690 282 580 250 500 248 C420 250 310 282 242 302 C230 304 228 292 236 286 Z" fill="#9a6a3f"/>
  <path d="M250 288 C320 256 420 226 500 222 C580 226 680 256 750 288" stroke="#c4925f" stroke-width="4" fill="none"/>
  <!-- The back of the dress, seen inside through the front neckline. -->
  <path d="M404 246 C440 232 560 232 596 246 L600 344 L400 344 Z" fill="#7d3626"/>
  <path d="${dress}" fill="${red}"/>
  <g clip-path="url(#c)">
    <g fill="#f3e6d6" opacity="0.9">${flowers}</g>
    <g filter="url(#softer)">
      <path d="M360 560 C330 760 280 960 240 1160" stroke="#000" stroke-opacity="0.3" stroke-width="40" fill="none"/>
      <path d="M450 560 C440 760 420 960 400 1170" stroke="#000" stroke-opacity="0.26" stroke-width="34" fill="none"/>
      <path d="M560 560 C570 760 590 960 610 1170" stroke="#000" stroke-opacity="0.28" stroke-width="34" fill="none"/>
      <path d="M650 560 C690 760 730 960 770 1160" stroke="#000" stroke-opacity="0.32" stroke-width="40" fill="none"/>
      <path d="M405 560 C390 760 360 960 330 1170" stroke="#fff" stroke-opacity="0.18" stroke-width="30" fill="none"/>
      <path d="M505 560 C505 760 505 960 505 1170" stroke="#fff" stroke-opacity="0.2" stroke-width="34" fill="none"/>
      <path d="M605 560 C620 760 650 960 680 1170" stroke="#fff" stroke-opacity="0.14" stroke-width="30" fill="none"/>
      <path d="M380 360 C420 420 580 420 620 360" stroke="#000" stroke-opacity="0.2" stroke-width="30" fill="none"/>
      <path d="M690 350 C670 420 650 470 646 540" stroke="#000" stroke-opacity="0.3" stroke-width="30" fill="none"/>
    </g>
    <!-- Waist seam with gathers, a side zip line, hem stitching. -->
    <path d="M352 540 C450 556 550 556 648 540" stroke="#000" stroke-opacity="0.35" stroke-width="3" fill="none"/>
    <path d="M352 548 C450 564 550 564 648 548" stroke="#7a3222" stroke-width="1.5" stroke-dasharray="4 3" fill="none"/>
    <g filter="url(#crisp)" stroke="#000" stroke-opacity="0.3" stroke-width="3">
      <path d="M380 550 L376 590"/><path d="M420 555 L418 596"/><path d="M460 558 L460 600"/><path d="M540 558 L540 600"/><path d="M580 555 L582 596"/><path d="M620 550 L624 590"/>
    </g>
    <path d="M186 1128 C300 1156 700 1156 814 1128" stroke="#7a3222" stroke-width="1.5" stroke-dasharray="4 3" fill="none"/>
    <path d="M412 252 C425 302 455 326 500 330 C545 326 575 302 588 252" stroke="#7a3222" stroke-width="1.5" stroke-dasharray="4 3" fill="none"/>
  </g>
  <!-- The hanger's bar shows through the neckline; a bias-bound neckline edge. -->
  <path d="M408 250 C420 300 450 330 500 334 C550 330 580 300 592 250" stroke="#8e3b27" stroke-width="7" fill="none"/>
  <path d="M420 258 C440 276 560 276 580 258 L580 268 C560 284 440 284 420 268 Z" fill="#9a6a3f"/>`,
  }
}

function jeansArt(): GarmentArt {
  const jeans =
    'M300 170 L700 170 C712 300 730 420 744 560 C760 760 770 960 772 1190 C720 1204 640 1206 582 1196 C566 990 540 790 506 600 C500 584 494 584 490 600 C458 790 434 990 418 1196 C360 1206 280 1204 228 1190 C230 960 240 760 256 560 C270 420 288 300 300 170 Z'
  const indigo = '#34507a'
  const stitch = '#d59b4a'
  return {
    surface: 'linen',
    fabric: 'denim',
    light: [0.1, 0.2],
    tint: [1.02, 1.0, 0.97],
    shadow: { dx: 5, dy: 8, blur: 6, opacity: 0.2 },
    relief: { cellsX: 6, cellsY: 10, strength: 0.8 },
    svg: `${defs()}
  <clipPath id="c"><path d="${jeans}"/></clipPath>
  <g transform="rotate(3 500 650)">
  <path d="${jeans}" fill="${indigo}"/>
  <g clip-path="url(#c)">
    <!-- Wash: faded thighs and knees, darker creases (whiskers) at the hips. -->
    <g filter="url(#softer)">
      <ellipse cx="360" cy="520" rx="70" ry="190" fill="#fff" fill-opacity="0.16"/>
      <ellipse cx="640" cy="520" rx="70" ry="190" fill="#fff" fill-opacity="0.16"/>
      <ellipse cx="345" cy="860" rx="60" ry="110" fill="#fff" fill-opacity="0.12"/>
      <ellipse cx="655" cy="860" rx="60" ry="110" fill="#fff" fill-opacity="0.12"/>
      <path d="M256 900 C260 1000 250 1100 240 1190" stroke="#000" stroke-opacity="0.2" stroke-width="30" fill="none"/>
      <path d="M744 900 C740 1000 750 1100 760 1190" stroke="#000" stroke-opacity="0.2" stroke-width="30" fill="none"/>
    </g>
    <g filter="url(#soft)" stroke="#fff" stroke-opacity="0.22" stroke-width="8" fill="none">
      <path d="M420 360 C440 380 470 386 490 384"/><path d="M410 392 C436 410 466 416 488 412"/><path d="M580 360 C560 380 530 386 510 384"/><path d="M590 392 C564 410 534 416 512 412"/>
    </g>
    <g filter="url(#soft)" stroke="#000" stroke-opacity="0.3" stroke-width="12" fill="none">
      <path d="M300 1020 C340 1030 380 1030 420 1020"/><path d="M296 1090 C336 1100 380 1100 418 1092"/>
      <path d="M580 1020 C620 1030 660 1030 700 1020"/><path d="M582 1092 C620 1100 664 1100 704 1090"/>
      <path d="M498 600 L498 300"/>
    </g>
    <!-- Waistband, belt loops, fly J-stitch, front pockets and coin pocket, inseam, hems. -->
    <path d="M290 170 L710 170 L712 240 L288 240 Z" fill="#2d4769"/>
    <path d="M292 180 L708 180 M290 232 L710 232" stroke="${stitch}" stroke-width="2" stroke-dasharray="6 4"/>
    <path d="M500 246 L500 520 C500 548 478 560 456 548 L456 246" stroke="${stitch}" stroke-width="2.2" stroke-dasharray="6 4" fill="none"/>
    <path d="M462 246 L462 540" stroke="#000" stroke-opacity="0.35" stroke-width="3"/>
    <path d="M298 260 C340 262 380 300 392 360" stroke="#000" stroke-opacity="0.35" stroke-width="4" fill="none"/>
    <path d="M298 272 C336 274 370 308 380 362" stroke="${stitch}" stroke-width="2" stroke-dasharray="6 4" fill="none"/>
    <path d="M702 260 C660 262 620 300 608 360" stroke="#000" stroke-opacity="0.35" stroke-width="4" fill="none"/>
    <path d="M702 272 C664 274 630 308 620 362" stroke="${stitch}" stroke-width="2" stroke-dasharray="6 4" fill="none"/>
    <path d="M600 262 L660 262 L664 320 L604 320 Z" fill="none" stroke="${stitch}" stroke-width="2" stroke-dasharray="6 4"/>
    <path d="M490 600 C470 800 446 1000 424 1196 M510 600 C530 800 556 1000 576 1196" stroke="${stitch}" stroke-width="2" stroke-dasharray="6 4" fill="none"/>
    <path d="M226 1170 C280 1182 360 1184 420 1176 M580 1176 C640 1184 720 1182 774 1170" stroke="${stitch}" stroke-width="2" stroke-dasharray="6 4" fill="none"/>
    <path d="M258 560 C246 760 236 960 232 1190 M742 560 C754 760 764 960 768 1190" stroke="#000" stroke-opacity="0.25" stroke-width="3" fill="none"/>
  </g>
  <g fill="#2a4263" stroke="${stitch}" stroke-width="1.6" stroke-dasharray="4 3">
    <rect x="318" y="160" width="22" height="92" rx="3"/><rect x="436" y="160" width="22" height="92" rx="3"/><rect x="560" y="160" width="22" height="92" rx="3"/><rect x="662" y="160" width="22" height="92" rx="3"/>
  </g>
  <!-- Shank button and copper rivets. -->
  <circle cx="478" cy="206" r="19" fill="#a9acb0"/><circle cx="478" cy="206" r="14" fill="#8d9094"/><circle cx="474" cy="202" r="6" fill="#d6d8da"/>
  <circle cx="392" cy="360" r="6" fill="#b07a43"/><circle cx="608" cy="360" r="6" fill="#b07a43"/><circle cx="604" cy="322" r="4.5" fill="#b07a43"/><circle cx="662" cy="322" r="4.5" fill="#b07a43"/>
  </g>`,
  }
}

function shirtArt(): GarmentArt {
  const body =
    'M420 170 L350 186 C300 200 262 220 244 250 C212 420 170 700 128 960 C124 984 136 994 158 994 L218 994 C236 994 244 984 246 966 L286 560 C290 760 290 900 288 1110 C288 1132 300 1140 320 1142 C440 1154 560 1154 680 1142 C700 1140 712 1132 712 1110 C710 900 710 760 714 560 L754 966 C756 984 764 994 782 994 L842 994 C864 994 876 984 872 960 C830 700 788 420 756 250 C738 220 700 200 650 186 L580 170 C560 200 440 200 420 170 Z'
  let stripes = ''
  for (let x = 100; x < 900; x += 18) stripes += `<rect x="${x}" y="120" width="5" height="1100" fill="#3e6aa8" fill-opacity="0.7"/>`
  return {
    surface: 'wood',
    fabric: 'oxford',
    light: [0.85, 0.0],
    tint: [1.0, 1.0, 1.03],
    shadow: { dx: -5, dy: 8, blur: 6, opacity: 0.2 },
    relief: { cellsX: 8, cellsY: 6, strength: 0.7 },
    svg: `${defs()}
  <clipPath id="c"><path d="${body}"/></clipPath>
  <g transform="rotate(2 500 650)">
  <path d="${body}" fill="#f4f5f7"/>
  <g clip-path="url(#c)">
    ${stripes}
    <g filter="url(#softer)">
      <path d="M360 400 C380 650 350 900 370 1140" stroke="#000" stroke-opacity="0.16" stroke-width="40" fill="none"/>
      <path d="M640 420 C620 650 660 900 640 1140" stroke="#000" stroke-opacity="0.14" stroke-width="40" fill="none"/>
      <path d="M200 600 C190 750 170 850 160 990" stroke="#000" stroke-opacity="0.12" stroke-width="30" fill="none"/>
      <path d="M800 600 C810 750 830 850 840 990" stroke="#000" stroke-opacity="0.18" stroke-width="30" fill="none"/>
    </g>
    <path d="M480 200 L480 1150 M520 200 L520 1150" stroke="#000" stroke-opacity="0.18" stroke-width="2"/>
    <rect x="486" y="200" width="28" height="960" fill="#f4f5f7" fill-opacity="0.35"/>
    <path d="M300 480 L420 480 L420 600 C420 616 410 624 360 630 C310 624 300 616 300 600 Z" fill="none" stroke="#000" stroke-opacity="0.25" stroke-width="3"/>
    <path d="M128 940 L248 940" stroke="#000" stroke-opacity="0.25" stroke-width="3"/>
    <path d="M752 940 L872 940" stroke="#000" stroke-opacity="0.25" stroke-width="3"/>
  </g>
  <!-- Collar points and band. -->
  <path d="M420 170 C440 200 560 200 580 170 L620 182 L560 290 L500 222 L440 290 L380 182 Z" fill="#eef0f3" stroke="#000" stroke-opacity="0.18" stroke-width="3"/>
  <path d="M500 222 L440 290 M500 222 L560 290" stroke="#000" stroke-opacity="0.25" stroke-width="2"/>
  ${[310, 440, 570, 700, 830, 960].map((y) => `<circle cx="500" cy="${y}" r="9" fill="#e9e4d8" stroke="#b9b2a2" stroke-width="1.5"/><circle cx="497" cy="${y}" r="1.6" fill="#9d968a"/><circle cx="503" cy="${y}" r="1.6" fill="#9d968a"/>`).join('')}
  </g>`,
  }
}

const ART: Record<PhotoGarmentKind, () => GarmentArt> = {
  'tshirt-wood': tshirtArt,
  'dress-hanger': dressArt,
  'jeans-linen': jeansArt,
  'shirt-wood': shirtArt,
}

/**
 * A phone photo of a garment (JPEG, 900×1200 by default). Example:
 * `await createPhotoGarment('tshirt-wood') // a green printed T-shirt laid on an oak floor`
 */
export async function createPhotoGarment(kind: PhotoGarmentKind, options: PhotoGarmentOptions = {}): Promise<Buffer> {
  return (await renderPhotoGarment(kind, options)).jpeg
}

/** The photo and its ground truth: where the garment (and hanger) really is, 0–255 per pixel, width × height. */
export interface RenderedPhotoGarment {
  jpeg: Buffer
  mask: Buffer
  width: number
  height: number
}

/** createPhotoGarment plus the true garment mask through the same camera (what a perfect cut-out would keep). */
export async function renderPhotoGarment(kind: PhotoGarmentKind, options: PhotoGarmentOptions = {}): Promise<RenderedPhotoGarment> {
  const W = options.width ?? 900
  const H = options.height ?? 1200
  const art = ART[kind]()
  const rand = createSeededRandom(`photo-garment:${kind}`)
  // The scene is drawn a little larger than the frame, so the tilted camera's keystone never samples outside it.
  const SW = Math.round(W * 1.1)
  const SH = Math.round(H * 1.05)
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${SW}" height="${SH}" viewBox="0 0 1000 1300" preserveAspectRatio="none">${art.svg}</svg>`
  const garment = await sharp(Buffer.from(svg)).ensureAlpha().raw().toBuffer({ resolveWithObject: true })
  const g = garment.data
  const n = SW * SH
  const alpha = Buffer.alloc(n)
  for (let p = 0; p < n; p++) alpha[p] = g[p * 4 + 3]!
  const scale = SW / 1000
  const { dx, dy, blur, opacity } = art.shadow
  // Contact shadow: the garment's silhouette, shifted away from the window and blurred.
  const shadow = await sharp(alpha, { raw: { width: SW, height: SH, channels: 1 } })
    .blur(Math.max(0.3, blur * scale))
    .extractChannel(0)
    .raw()
    .toBuffer()
  const surface = await drawSurface(art.surface, rand, SW, SH)
  const colNoise = await smoothNoise(rand, SW, 1, Math.round(SW / 6), 1)
  // Wrinkles as a height field lit from the window (bump shading), and the fabric's thickness at its edges
  // (a laid-out garment rolls over at the hem and seams, so its rim is darker than its middle).
  const relief = await smoothNoise(rand, SW, SH, art.relief.cellsX, art.relief.cellsY)
  const reliefFine = await smoothNoise(rand, SW, SH, art.relief.cellsX * 3, art.relief.cellsY * 3)
  const rim = await sharp(alpha, { raw: { width: SW, height: SH, channels: 1 } })
    .blur(Math.max(0.3, 5 * scale))
    .extractChannel(0)
    .raw()
    .toBuffer()
  const [lightX, lightY] = art.light
  const lgx = lightX - 0.5
  const lgy = lightY - 0.5
  const lgn = Math.hypot(lgx, lgy) || 1
  const height = (p: number) => relief[p]! * 60 + reliefFine[p]! * 3
  const ox = Math.round(dx * scale)
  const oy = Math.round(dy * scale)
  const scene = new Float32Array(n * 3)
  for (let y = 0; y < SH; y++) {
    for (let x = 0; x < SW; x++) {
      const p = y * SW + x
      const sx = x - ox
      const sy = y - oy
      const sh = sx >= 0 && sy >= 0 && sx < SW && sy < SH ? shadow[sy * SW + sx]! / 255 : 0
      const dark = 1 - sh * opacity
      const a = g[p * 4 + 3]! / 255
      let f = 1
      if (a > 0) {
        const gx = x > 0 && x < SW - 1 ? height(p + 1) - height(p - 1) : 0
        const gy = y > 0 && y < SH - 1 ? height(p + SW) - height(p - SW) : 0
        const bump = ((gx * lgx + gy * lgy) / lgn) * 0.09 * art.relief.strength
        const edge = 1 - rim[p]! / 255
        f = fabricFactor(art.fabric, x, y, rand, colNoise, SW) * (1 + bump) * (1 - 0.45 * edge)
      }
      for (let c = 0; c < 3; c++) {
        const bg = surface[p * 3 + c]! * dark
        scene[p * 3 + c] = bg * (1 - a) + g[p * 4 + c]! * f * a
      }
    }
  }
  // The camera: slight keystone (top farther away), window light falling off, vignette, warm/cool white balance,
  // sensor grain. Bilinear sampling of the scene.
  const out = Buffer.alloc(W * H * 3)
  const mask = Buffer.alloc(W * H)
  const [lx, ly] = art.light
  const grain = await smoothNoise(rand, W, H, Math.round(W / 2))
  for (let v = 0; v < H; v++) {
    const t = v / (H - 1)
    const spread = 1.075 - 0.075 * t
    const syf = SH * 0.025 + t * (SH * 0.95) - 10 * Math.sin(t * Math.PI)
    for (let u = 0; u < W; u++) {
      const sxf = SW / 2 + (u - W / 2) * spread
      const x0 = Math.max(0, Math.min(SW - 2, Math.floor(sxf)))
      const y0 = Math.max(0, Math.min(SH - 2, Math.floor(syf)))
      const fx = sxf - x0
      const fy = syf - y0
      const nx = u / W
      const ny = v / H
      const dl = Math.hypot(nx - lx, (ny - ly) * 0.8)
      const lightFall = 1.15 - 0.3 * Math.min(1, dl / 1.2)
      const vig = 1 - 0.16 * ((nx - 0.5) ** 2 + (ny - 0.5) ** 2) * 2
      const noise = grain[v * W + u]! * 2 + (rand() - 0.5) * 7
      const a00 = y0 * SW + x0
      mask[v * W + u] = Math.round(alpha[a00]! * (1 - fx) * (1 - fy) + alpha[a00 + 1]! * fx * (1 - fy) + alpha[a00 + SW]! * (1 - fx) * fy + alpha[a00 + SW + 1]! * fx * fy)
      for (let c = 0; c < 3; c++) {
        const i00 = (y0 * SW + x0) * 3 + c
        const s =
          scene[i00]! * (1 - fx) * (1 - fy) + scene[i00 + 3]! * fx * (1 - fy) + scene[i00 + SW * 3]! * (1 - fx) * fy + scene[i00 + SW * 3 + 3]! * fx * fy
        out[(v * W + u) * 3 + c] = Math.max(0, Math.min(255, Math.round(s * lightFall * vig * art.tint[c]! + noise)))
      }
    }
  }
  // Phone optics: a touch of softness, then the phone's own sharpening and JPEG.
  const jpeg = await sharp(out, { raw: { width: W, height: H, channels: 3 } })
    .blur(0.55)
    .sharpen({ sigma: 0.8, m1: 0.6, m2: 1.2 })
    .jpeg({ quality: options.quality ?? 88, chromaSubsampling: '4:2:0' })
    .toBuffer()
  return { jpeg, mask, width: W, height: H }
}
