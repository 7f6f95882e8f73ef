/** Longest vendor text (error message, page excerpt) copied into a message, status or log. */
export const MAX_VENDOR_TEXT_CHARS = 300;

/**
 * Cuts text that came from the network to at most `max` characters (plus a marker saying how
 * much was dropped), so a huge `exceptionMessage` never becomes a huge error, status or log line.
 */
export function cutVendorText(text: string, max = MAX_VENDOR_TEXT_CHARS): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}… [${text.length - max} more characters cut]`;
}
