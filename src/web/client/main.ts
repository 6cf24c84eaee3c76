/// <reference lib="dom" />
import './styles.css';
import { ApiError, get, session, type Me } from './api';
import { h, mount } from './dom';
import { ROLE_NAMES } from './format';
import { queuesPage } from './pages/admin';
import { alertPage, alertQueuePage } from './pages/alerts';
import { boardPage } from './pages/board';
import { briefingPage } from './pages/briefing';
import { loginPage } from './pages/login';
import { searchPage } from './pages/search';
import { errorBox } from './ui';

type Role = Me['role'];

/** Pages per role, in menu order. */
const MENU: { path: string; label: string; roles: readonly Role[] }[] = [
  { path: '#/alerts', label: 'Оповещения', roles: ['analyst', 'admin'] },
  { path: '#/board', label: 'Табло ЧС', roles: ['duty_officer', 'analyst', 'admin', 'leadership'] },
  { path: '#/briefing', label: 'Сводка', roles: ['leadership', 'analyst', 'admin'] },
  { path: '#/search', label: 'Поиск', roles: ['analyst', 'duty_officer', 'leadership', 'admin'] },
  { path: '#/queues', label: 'Очереди', roles: ['admin'] },
];

const app = document.getElementById('app');
const nav = document.getElementById('nav');
const who = document.getElementById('who');
let me: Me | undefined;
let stopPage: (() => void) | undefined;

/** Where each role lands after login. */
const HOME: Record<Role, string> = {
  analyst: '#/alerts',
  duty_officer: '#/board',
  leadership: '#/briefing',
  admin: '#/alerts',
  ingest: '#/search',
};
const home = (role: Role): string => HOME[role];

function renderChrome(): void {
  if (nav === null || who === null) return;
  if (me === undefined) {
    mount(nav);
    mount(who);
    return;
  }
  const role = me.role;
  mount(
    nav,
    MENU.filter((item) => item.roles.includes(role)).map((item) => h('a', { href: item.path }, item.label)),
    h('a', { href: '/docs' }, 'API'),
  );
  mount(
    who,
    `${me.name} · ${ROLE_NAMES[role] ?? role} `,
    h(
      'button',
      {
        class: 'link',
        'data-testid': 'logout',
        on: {
          click: () => {
            session.clear();
            me = undefined;
            location.hash = '#/login';
            renderChrome();
          },
        },
      },
      'выйти',
    ),
  );
}

async function route(): Promise<void> {
  if (app === null) return;
  stopPage?.();
  stopPage = undefined;
  const [path = '', query = ''] = location.hash.replace(/^#/, '').split('?');
  const params = new URLSearchParams(query);
  if (me === undefined && session.key !== null) {
    me = await get<Me>('/me').catch(() => undefined);
    if (me === undefined) session.clear();
    renderChrome();
  }
  if (me === undefined) {
    mount(
      app,
      loginPage((who) => {
        me = who;
        renderChrome();
        if (params.get('next') === 'docs') location.href = '/docs';
        else if (path === '' || path === '/' || path === '/login') location.hash = home(who.role);
        // A deep link (an alert sent by a colleague) opens where it pointed once the key is in.
        else void route();
      }),
    );
    return;
  }
  const [, page = '', id = ''] = path.split('/');
  try {
    switch (page) {
      case 'alerts':
        await alertQueuePage(app, params);
        break;
      case 'alert':
        await alertPage(app, decodeURIComponent(id), me);
        break;
      case 'board':
        stopPage = boardPage(app, params, me);
        break;
      case 'briefing':
        await briefingPage(app, params);
        break;
      case 'search':
        await searchPage(app, params);
        break;
      case 'queues':
        await queuesPage(app);
        break;
      default:
        location.hash = home(me.role);
    }
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      session.clear();
      me = undefined;
      renderChrome();
      location.hash = '#/login';
      return;
    }
    mount(app, errorBox(error));
  }
}

window.addEventListener('hashchange', () => {
  void route();
});
void route();
