// The one way the console talks to the daemon: /api/v1 with the session cookie, and the session's
// CSRF token in X-CSRF-Token on every change. Errors become ApiError with the status, the API's
// message and, for a watcher's 400, the body key it concerns ("field").

let csrfToken = '';

export function setCsrf(token) { csrfToken = token || ''; }

export class ApiError extends Error {
  constructor(status, message, body, route) {
    super(message);
    this.status = status;
    this.body = body || {};
    this.field = this.body.field || null;
    this.route = route;
  }
}

// ?a=1&b=x from an object, skipping empty values.
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) if (v !== undefined && v !== null && v !== '') q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}

export async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (method !== 'GET' && method !== 'HEAD') headers['X-CSRF-Token'] = csrfToken;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(`/api/v1${path}`, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    throw new ApiError(0, `the daemon did not answer (${e.message}); is it running?`, {}, path);
  }
  const text = res.status === 204 ? '' : await res.text();
  let data = {};
  if (text) {
    try { data = JSON.parse(text); } catch { data = { error: text.slice(0, 300) }; }
  }
  if (!res.ok) {
    const route = `${method} /api/v1${path.split('?')[0]}`;
    const err = new ApiError(res.status, data.error || `HTTP ${res.status}`, data, route);
    if (res.status === 401 && !path.startsWith('/session')) window.dispatchEvent(new CustomEvent('vigil:signed-out', { detail: err.message }));
    throw err;
  }
  return data;
}

export const get = path => api('GET', path);
export const post = (path, body) => api('POST', path, body === undefined ? {} : body);
export const patch = (path, body) => api('PATCH', path, body);
export const del = path => api('DELETE', path);
