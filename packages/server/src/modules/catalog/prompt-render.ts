/**
 * Renders a prompt template. Placeholders `{name}` are substituted in ONE pass over the template, so a value
 * is never scanned for placeholders again; user text is sanitised (no braces, newlines or control characters,
 * length-limited) and quoted as data, so it cannot close the quote, add instructions on new lines or inject
 * another placeholder.
 */
export const USER_TEXT_MAX = 200

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g

/** Cleans user text for a prompt: one line, no braces/quotes/backslashes/control chars, at most `max` chars. */
export function sanitizeUserText(text: string, max = USER_TEXT_MAX): string {
  const cleaned = text
    .replace(CONTROL, ' ')
    .replace(/[{}[\]<>"“”「」`\\]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
  return Array.from(cleaned).slice(0, max).join('').trim()
}

/** User text as quoted data for a template (or the fallback when empty). */
export function quoteUserText(text: string | undefined, fallback = 'none'): string {
  const clean = text ? sanitizeUserText(text) : ''
  return clean ? `「${clean}」` : fallback
}

/** Substitutes `{key}` once; unknown placeholders become empty, literal text is untouched. */
export function renderTemplate(template: string, values: Record<string, string>): string {
  return template
    .replace(/\{([a-z_][a-z0-9_]{0,40})\}/g, (_m, key: string) => (Object.prototype.hasOwnProperty.call(values, key) ? values[key]! : ''))
    .replace(/[ \t]{2,}/g, ' ')
    .trim()
}

/** Placeholders a template may use (documented for admins editing templates). */
export const TEMPLATE_PLACEHOLDERS = ['scene_name', 'scene_description', 'background', 'lighting', 'gender', 'age', 'pose', 'aspect_ratio', 'garment_type', 'extra'] as const
