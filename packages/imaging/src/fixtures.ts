/**
 * Realistic-ish input images generated on the fly for tests, the bench and the local demo: a T-shirt
 * flat-lay on a plain light background and a front-facing person on a plain backdrop — the inputs the
 * photography and try-on pages ask users for. No binary fixtures in the repository.
 */
import sharp from 'sharp'
import { mix } from './local/scene-style'

export interface FixtureGarmentOptions {
  /** Shirt colour, #rrggbb. */
  color?: string
  background?: string
  width?: number
  height?: number
  format?: 'png' | 'jpeg'
}

/** A T-shirt flat-lay (800×900 by default) with folds, rib collar, stitching and a chest print. */
export async function createFixtureGarment(options: FixtureGarmentOptions = {}): Promise<Buffer> {
  const color = options.color ?? '#2f6fb0'
  const bg = options.background ?? '#f2f1ee'
  const W = 800
  const H = 900
  const shirt =
    'M330 120 L215 150 L95 300 L175 362 L240 305 L246 800 Q400 812 554 800 L560 305 L625 362 L705 300 L585 150 L470 120 Q400 178 330 120 Z'
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${options.width ?? W}" height="${options.height ?? H}" viewBox="0 0 ${W} ${H}">
  <defs>
    <linearGradient id="bg" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${mix(bg, '#ffffff', 0.3)}"/><stop offset="1" stop-color="${mix(bg, '#000000', 0.04)}"/></linearGradient>
    <linearGradient id="cloth" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${mix(color, '#ffffff', 0.12)}"/><stop offset="1" stop-color="${mix(color, '#000000', 0.12)}"/></linearGradient>
    <linearGradient id="fold" x1="0" y1="0" x2="1" y2="0"><stop offset="0" stop-color="#000" stop-opacity="0"/><stop offset="0.5" stop-color="#000" stop-opacity="0.16"/><stop offset="1" stop-color="#000" stop-opacity="0"/></linearGradient>
    <linearGradient id="shine" x1="0" y1="0" x2="1" y2="0"><stop offset="0" stop-color="#fff" stop-opacity="0"/><stop offset="0.5" stop-color="#fff" stop-opacity="0.14"/><stop offset="1" stop-color="#fff" stop-opacity="0"/></linearGradient>
    <clipPath id="c"><path d="${shirt}"/></clipPath>
  </defs>
  <rect width="${W}" height="${H}" fill="url(#bg)"/>
  <path d="${shirt}" fill="#000" opacity="0.035" transform="translate(5 7)"/>
  <path d="${shirt}" fill="url(#cloth)"/>
  <g clip-path="url(#c)">
    <path d="M300 320 Q290 560 320 800 L360 800 Q335 560 345 320 Z" fill="url(#fold)"/>
    <path d="M470 360 Q500 560 470 800 L515 800 Q540 560 505 360 Z" fill="url(#fold)"/>
    <path d="M380 200 Q395 500 372 800 L420 800 Q430 500 420 200 Z" fill="url(#shine)"/>
    <path d="M120 300 L230 200 L250 230 L150 330 Z" fill="#000" opacity="0.06"/>
    <path d="M680 300 L570 200 L550 230 L650 330 Z" fill="#000" opacity="0.06"/>
  </g>
  <path d="M330 120 Q400 178 470 120" stroke="${mix(color, '#000000', 0.28)}" stroke-width="16" fill="none" stroke-linecap="round"/>
  <path d="M338 131 Q400 182 462 131" stroke="${mix(color, '#ffffff', 0.2)}" stroke-width="2" fill="none" stroke-dasharray="5 4"/>
  <path d="M250 782 Q400 794 550 782" stroke="${mix(color, '#000000', 0.3)}" stroke-width="2" fill="none" stroke-dasharray="6 5"/>
  <path d="M108 310 L182 352" stroke="${mix(color, '#000000', 0.3)}" stroke-width="2" fill="none" stroke-dasharray="6 5"/>
  <path d="M692 310 L618 352" stroke="${mix(color, '#000000', 0.3)}" stroke-width="2" fill="none" stroke-dasharray="6 5"/>
  <g transform="translate(400 330)">
    <circle r="58" fill="none" stroke="#f4efe6" stroke-width="7"/>
    <path d="M-40 10 Q-20 -25 0 10 T40 10" stroke="#f4efe6" stroke-width="8" fill="none" stroke-linecap="round"/>
    <circle cx="22" cy="-22" r="9" fill="#f2b134"/>
  </g>
</svg>`
  const img = sharp(Buffer.from(svg))
  return options.format === 'jpeg' ? img.flatten({ background: bg }).jpeg({ quality: 90 }).toBuffer() : img.png().toBuffer()
}

export interface FixturePersonOptions {
  skin?: string
  top?: string
  bottom?: string
  background?: string
  format?: 'png' | 'jpeg'
}

/** A front-facing full-body person (768×1024) on a plain backdrop, arms slightly away from the body. */
export async function createFixturePerson(options: FixturePersonOptions = {}): Promise<Buffer> {
  const skin = options.skin ?? '#e2b594'
  const top = options.top ?? '#b9bec4'
  const bottom = options.bottom ?? '#2f3b4f'
  const bg = options.background ?? '#e7e5e1'
  const W = 768
  const H = 1024
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}">
  <defs>
    <linearGradient id="bg" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${mix(bg, '#ffffff', 0.25)}"/><stop offset="1" stop-color="${bg}"/></linearGradient>
    <linearGradient id="skin" x1="0" y1="0" x2="1" y2="0"><stop offset="0" stop-color="${mix(skin, '#000000', 0.1)}"/><stop offset="0.45" stop-color="${mix(skin, '#ffffff', 0.08)}"/><stop offset="1" stop-color="${mix(skin, '#000000', 0.14)}"/></linearGradient>
    <linearGradient id="top" x1="0" y1="0" x2="1" y2="0"><stop offset="0" stop-color="${mix(top, '#000000', 0.15)}"/><stop offset="0.45" stop-color="${mix(top, '#ffffff', 0.1)}"/><stop offset="1" stop-color="${mix(top, '#000000', 0.2)}"/></linearGradient>
    <linearGradient id="legs" x1="0" y1="0" x2="1" y2="0"><stop offset="0" stop-color="${mix(bottom, '#000000', 0.2)}"/><stop offset="0.5" stop-color="${mix(bottom, '#ffffff', 0.08)}"/><stop offset="1" stop-color="${mix(bottom, '#000000', 0.25)}"/></linearGradient>
  </defs>
  <rect width="${W}" height="${H}" fill="url(#bg)"/>
  <path d="M300 268 L270 282 Q252 420 246 590 Q250 606 266 604 Q276 470 292 350 Z" fill="url(#skin)"/>
  <path d="M468 268 L498 282 Q516 420 522 590 Q518 606 502 604 Q492 470 476 350 Z" fill="url(#skin)"/>
  <ellipse cx="256" cy="612" rx="15" ry="22" fill="${skin}"/>
  <ellipse cx="512" cy="612" rx="15" ry="22" fill="${skin}"/>
  <path d="M318 540 L450 540 L446 926 L396 926 L386 650 L378 926 L324 926 Z" fill="url(#legs)"/>
  <ellipse cx="350" cy="936" rx="34" ry="13" fill="#1f1f22"/>
  <ellipse cx="420" cy="936" rx="34" ry="13" fill="#1f1f22"/>
  <rect x="362" y="214" width="44" height="56" rx="10" fill="url(#skin)"/>
  <path d="M302 262 Q384 252 466 262 Q474 300 468 340 Q452 450 454 560 L314 560 Q316 450 300 340 Q294 300 302 262 Z" fill="url(#top)"/>
  <path d="M356 262 Q384 290 412 262" stroke="${mix(top, '#000000', 0.25)}" stroke-width="6" fill="none"/>
  <ellipse cx="384" cy="160" rx="52" ry="66" fill="url(#skin)"/>
  <path d="M330 150 Q328 88 384 88 Q442 88 438 150 Q426 118 384 116 Q344 118 330 150 Z" fill="#2b211c"/>
  <ellipse cx="364" cy="162" rx="5" ry="3.5" fill="#3a2a22"/>
  <ellipse cx="404" cy="162" rx="5" ry="3.5" fill="#3a2a22"/>
  <path d="M372 196 Q384 203 396 196" stroke="#a8675a" stroke-width="3" fill="none" stroke-linecap="round"/>
</svg>`
  const img = sharp(Buffer.from(svg))
  return options.format === 'png' ? img.png().toBuffer() : img.jpeg({ quality: 90 }).toBuffer()
}
