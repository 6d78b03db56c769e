/**
 * The sandbox IdP's sign-in page: Danish, one form, keyboard first (the user name has focus, Enter
 * signs in), no script. A municipality's real IdP brings its own page.
 */
const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function loginPage(options: { action?: string; username?: string; error?: string; title?: string }): string {
  const title = options.title ?? 'Log ind på Skærmrum';
  const error = options.error ? `<p class="error" role="alert" id="error">${escape(options.error)}</p>` : '';
  const described = options.error ? ' aria-describedby="error"' : '';
  const form = options.action
    ? `<form method="post" action="${escape(options.action)}">
  <label for="username">Brugernavn</label>
  <input id="username" name="username" autocomplete="username" autocapitalize="none" required autofocus value="${escape(options.username ?? '')}"${described}>
  <label for="password">Adgangskode</label>
  <input id="password" name="password" type="password" autocomplete="current-password" required>
  <button type="submit">Log ind</button>
</form>
<p class="hint">Sandkasse: brugernavnet er medarbejderens fornavn (fx <b>louise</b>), adgangskoden <b>skaermrum</b>.</p>`
    : '';
  return `<!doctype html>
<html lang="da">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; form-action 'self' http://127.0.0.1:*">
<title>${escape(title)}</title>
<style>
  body { font-family: system-ui, sans-serif; background: #f3f5f7; color: #1d2733; margin: 0; }
  main { max-width: 24rem; margin: 10vh auto; background: #fff; border: 1px solid #c9d1da; border-radius: 10px; padding: 1.5rem 2rem; }
  h1 { font-size: 1.4rem; margin: 0 0 1rem; }
  label { display: block; margin: 0.75rem 0 0.25rem; font-weight: 600; }
  input { width: 100%; box-sizing: border-box; font-size: 1.1rem; padding: 0.5rem; border: 1px solid #6b7785; border-radius: 6px; }
  input:focus, button:focus { outline: 3px solid #1b5fa8; outline-offset: 2px; }
  button { margin-top: 1.25rem; width: 100%; font-size: 1.1rem; padding: 0.6rem; background: #1b5fa8; color: #fff; border: 0; border-radius: 6px; cursor: pointer; }
  .error { color: #9b1c1c; background: #fdecec; padding: 0.5rem; border-radius: 6px; }
  .hint { color: #4a5562; font-size: 0.9rem; }
</style>
</head>
<body>
<main>
<h1>${escape(title)}</h1>
${error}
${form}
</main>
</body>
</html>`;
}
