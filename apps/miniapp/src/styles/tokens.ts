/**
 * The design tokens for the few places that need them in script (navigation bar colour, inline progress colours).
 * The stylesheet counterpart is the custom properties on `.pg` in app.css; keep both in step.
 */
export const colors = {
  primary: '#5B47FB',
  primaryDark: '#4331D8',
  accent: '#FF7A45',
  gold: '#F5A524',
  bg: '#F5F6FA',
  surface: '#FFFFFF',
  text: '#1F2330',
  textSecondary: '#6B7080',
  textTertiary: '#A0A4AF',
  border: '#ECEEF3',
  danger: '#E5484D',
  success: '#12A150',
} as const
