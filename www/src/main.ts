/** The full-page app: mounts into #app, keeps the view in the URL hash. */
import './styles.css';
import { mountApp } from './app';

const container = document.getElementById('app');
if (!container) throw new Error('#app is missing');

function storage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

const initialView = location.hash.replace(/^#/, '') || undefined;

mountApp(container, {
  storage: storage(),
  globalKeys: true,
  ...(initialView ? { initialView } : {}),
  onViewChange: (id) => {
    if (location.hash !== `#${id}`) history.replaceState(null, '', `#${id}`);
  },
}).catch((e: unknown) => {
  console.error(e);
  const p = document.createElement('p');
  p.className = 'fatal';
  p.textContent = `flowdrill could not start: ${e instanceof Error ? e.message : String(e)}`;
  container.replaceChildren(p);
});
