// One-off generator for the tab bar PNGs (weapp tab bars need bitmap icons). Run with sharp resolvable, e.g.
// NODE_PATH=../../packages/imaging/node_modules node scripts/make-tab-icons.cjs
const sharp = require('sharp')
const path = require('node:path')

const icons = {
  home: '<path d="M12 40 L40 16 L68 40 V68 H48 V50 H32 V68 H12 Z" stroke-linejoin="round"/>',
  works: '<rect x="12" y="14" width="56" height="52" rx="8"/><circle cx="30" cy="32" r="6"/><path d="M14 60 L34 44 L46 54 L56 46 L66 56" stroke-linejoin="round"/>',
  mine: '<circle cx="40" cy="28" r="13"/><path d="M14 68 C16 52 28 46 40 46 C52 46 64 52 66 68" stroke-linecap="round"/>',
}
const colors = { normal: '#8A8F9C', active: '#5B47FB' }

async function main() {
  for (const [name, shape] of Object.entries(icons)) {
    for (const [state, color] of Object.entries(colors)) {
      const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="81" height="81" viewBox="0 0 80 80"><g fill="none" stroke="${color}" stroke-width="5">${shape}</g></svg>`
      const file = path.join(__dirname, '..', 'src', 'assets', `tab-${name}${state === 'active' ? '-active' : ''}.png`)
      await sharp(Buffer.from(svg)).png({ compressionLevel: 9, palette: true }).toFile(file)
    }
  }
}
main()
