// The sign-in page (the API token exchanged for a session cookie), and the page a daemon without
// api.token shows instead of anything else.
import { h, clear } from './dom.js';

export function renderSignIn(root, signIn) {
  const input = h('input', { type: 'password', id: 'token', name: 'token', autocomplete: 'current-password', required: true, spellcheck: 'false' });
  const message = h('p', { id: 'signin-error', class: 'field-error', role: 'alert' });
  const button = h('button', { type: 'submit' }, 'Sign in');
  const form = h('form', { class: 'card', onsubmit: async e => {
    e.preventDefault();
    message.textContent = '';
    button.disabled = true;
    try {
      await signIn(input.value);
    } catch (err) {
      message.textContent = err.status === 401 ? 'That token is not this daemon\'s api.token.' : err.message;
      input.setAttribute('aria-invalid', 'true');
      input.select();
    } finally {
      button.disabled = false;
    }
  } },
  h('label', { class: 'field', for: 'token' }, h('span', {}, 'API token'), input,
    h('small', { class: 'muted' }, 'The api.token of the daemon\'s config. The page keeps a session cookie, never the token.')),
  message, button);
  clear(root, h('main', { id: 'main', class: 'signin' }, h('h1', {}, 'Sign in to vigil'), form));
  input.focus();
}

export function renderNoToken(root) {
  clear(root, h('main', { id: 'main', class: 'signin' },
    h('h1', {}, 'The console needs an API token'),
    h('section', { class: 'card', 'aria-labelledby': 'howto' },
      h('h2', { id: 'howto' }, 'How to set one'),
      h('p', {}, 'This daemon has no api.token, so its API and this console are off. Add a token to the daemon\'s config file:'),
      h('pre', {}, 'api:\n  token: ${VIGIL_API_TOKEN}   # or token_file: /etc/vigil/api-token'),
      h('p', {}, 'Give VIGIL_API_TOKEN a long random value (for example: openssl rand -hex 32), then reload the daemon (vigil reload, or systemctl reload vigil) and open this page again.'))));
}
