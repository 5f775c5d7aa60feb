/**
 * The full-page app: mounts into #app, keeps the view in the URL hash.
 *
 * A join link of a served team drill (`/#join=TOKEN`, from `flowdrill serve`) opens the
 * served drill's page instead: a participant sees only their view of the drill (no
 * designer, no WebAssembly); a facilitator's link opens the app at the Drill view,
 * facilitating that drill, and the address keeps the link while the Drill view is shown.
 */
import './styles.css';
import { type AppOptions, mountApp } from './app';
import { joinHash, joinToken } from './joinLink';

const container = document.getElementById('app');
if (!container) throw new Error('#app is missing');
const app: HTMLElement = container;

function storage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

function fatal(what: string, e: unknown): void {
  console.error(e);
  const p = document.createElement('p');
  p.className = 'fatal';
  p.textContent = `${what}: ${e instanceof Error ? e.message : String(e)}`;
  app.replaceChildren(p);
}

/** The facilitator's token of the served drill the Drill view runs, if any. */
let servedToken: string | null = null;
let currentView = '';

function writeHash(): void {
  const want = currentView === 'drill' && servedToken ? joinHash(servedToken) : `#${currentView}`;
  if (currentView && location.hash !== want) history.replaceState(null, '', want);
}

function startApp(extra: Partial<AppOptions>): void {
  mountApp(app, {
    storage: storage(),
    globalKeys: true,
    drillHost: true,
    ...extra,
    onViewChange: (id) => {
      currentView = id;
      writeHash();
    },
    onServedDrill: (token) => {
      servedToken = token;
      writeHash();
    },
  }).catch((e: unknown) => fatal('flowdrill could not start', e));
}

const token = joinToken(location.hash);
if (token) {
  import('./views/drillServed')
    .then((m) =>
      m.mountServedPage(app, token, {
        onFacilitator: (client) => {
          app.replaceChildren();
          servedToken = token;
          startApp({ initialView: 'drill', drillServed: client });
        },
      }),
    )
    .catch((e: unknown) => fatal('The team drill could not be opened', e));
} else {
  const initialView = location.hash.replace(/^#/, '') || undefined;
  startApp(initialView ? { initialView } : {});
}

// A join link pasted into this tab's address bar: open it.
window.addEventListener('hashchange', () => {
  const t = joinToken(location.hash);
  if (t && t !== token && t !== servedToken) location.reload();
});
