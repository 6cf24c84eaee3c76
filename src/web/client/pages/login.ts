/// <reference lib="dom" />
import { ApiError, get, session, type Me } from '../api';
import { h } from '../dom';

/** Login with an API key: checked against `/me`, then kept for this tab only. */
export function loginPage(onLogin: (me: Me) => void): HTMLElement {
  const input = h('input', {
    id: 'key',
    name: 'key',
    type: 'password',
    autocomplete: 'off',
    placeholder: 'dz_…',
    'aria-label': 'API-ключ',
  });
  const message = h('p', { class: 'error-text', role: 'alert' });
  return h(
    'form',
    {
      class: 'card login',
      on: {
        submit: (event) => {
          event.preventDefault();
          session.set(input.value.trim());
          get<Me>('/me')
            .then(onLogin)
            .catch((error: unknown) => {
              session.clear();
              message.textContent =
                error instanceof ApiError && error.status === 401
                  ? 'Ключ не принят: неизвестен или отозван.'
                  : 'Сервер недоступен, попробуйте ещё раз.';
            });
        },
      },
    },
    h('h1', {}, 'Вход в Дозор'),
    h('label', { for: 'key' }, 'API-ключ'),
    input,
    h('button', { type: 'submit', 'data-testid': 'login' }, 'Войти'),
    message,
    h('p', { class: 'muted' }, 'Ключ выдаёт администратор: dozor keys create --role … --name …'),
  );
}
