/** RFC 5987 `attr-char`s need no escaping; everything else is %-encoded UTF-8. */
function rfc5987(value: string): string {
  return encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * `attachment` with the file name made safe (RFC 6266): a plain ASCII `filename` with quotes, backslashes,
 * control and non-ASCII characters replaced (old clients), plus `filename*` in UTF-8 when the name needs it.
 * A name cannot inject a header (CR/LF) nor a path (slashes are replaced too).
 */
export function contentDisposition(name: string): string {
  const cleaned = name.replace(/[\p{Cc}\p{Cf}\u2028\u2029]/gu, '').replace(/[/\\]/g, '_').trim() || 'file';
  const ascii = cleaned.replace(/[^\x20-\x7e]|"/g, '_');
  return ascii === cleaned ? `attachment; filename="${ascii}"` : `attachment; filename="${ascii}"; filename*=UTF-8''${rfc5987(cleaned)}`;
}
