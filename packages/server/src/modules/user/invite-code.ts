import { randomInt } from 'node:crypto'

/** Unambiguous alphabet (no 0/O/1/I): codes are read aloud and typed by hand. */
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'

/** A 6-character code: 32^6 ≈ 1e9 codes; uniqueness is enforced by the unique index, with retry. */
export function newInviteCode(length = 6): string {
  let code = ''
  for (let i = 0; i < length; i++) code += ALPHABET[randomInt(ALPHABET.length)]
  return code
}
