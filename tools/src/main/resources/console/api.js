// The console's only way to the server: JSON over fetch; every failure becomes an ApiError naming the call.

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
  }
}

async function call(path, init) {
  let response;
  try {
    response = await fetch(path, {cache: 'no-store', credentials: 'same-origin', ...init});
  } catch (e) {
    throw new ApiError(0, `${path}: the console server did not answer (${e.message})`);
  }
  const text = await response.text();
  let body = null;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      throw new ApiError(response.status,
        `${path}: answered ${response.status} with something that is not JSON: ${text.slice(0, 160)}`);
    }
  }
  if (!response.ok) {
    const reason = body && typeof body.error === 'string' ? body.error : response.statusText || 'no reason given';
    throw new ApiError(response.status, `${path}: ${response.status} ${reason}`);
  }
  return body;
}

export function getJson(path) {
  return call(path, {headers: {Accept: 'application/json'}});
}

export function postJson(path, body) {
  return call(path, {
    method: 'POST',
    headers: {Accept: 'application/json', 'Content-Type': 'application/json'},
    body: JSON.stringify(body),
  });
}

/** The query string of a call, leaving out absent parameters. */
export function query(path, params) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== null && value !== undefined && value !== '') search.set(name, value);
  }
  const text = search.toString();
  return text ? `${path}?${text}` : path;
}

const alertBox = () => document.getElementById('alert');

/** Shows what went wrong in the page's alert region (announced to screen readers). */
export function showError(error) {
  const box = alertBox();
  const message = error instanceof Error ? error.message : String(error);
  if (box.hidden || box.textContent !== message) {
    box.replaceChildren(document.createTextNode(message));
    box.hidden = false;
  }
  if (!(error instanceof ApiError)) console.error(error);
}

export function clearError() {
  const box = alertBox();
  if (!box.hidden) {
    box.hidden = true;
    box.replaceChildren();
  }
}
