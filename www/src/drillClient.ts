/**
 * The Drill view's connections to the outside: the drill module (loaded on first use, so
 * the app's first load never downloads it), where the drill is saved, and how tabs tell
 * each other what they did.
 */
import { DRILL_CHANNEL, DRILL_KEY, type DrillMessage, PLAYER_KEY, type Player, type SavedDrill, parseMessage, parseSaved } from './drillModel';

type DrillModule = typeof import('../pkg/flowdrill_drill.js');
/** A drill session of the drill module. */
export type DrillSession = InstanceType<DrillModule['DrillSession']>;

let loading: Promise<DrillModule> | undefined;

/**
 * Loads the drill module (`pkg/flowdrill_drill.js` and its .wasm) once, the way `wasm.ts`
 * loads the app's module, but with a dynamic `import()`: the bundler puts it in a chunk of
 * its own, fetched only when this is first called.
 */
export function loadDrill(): Promise<DrillModule> {
  loading ??= import('../pkg/flowdrill_drill.js')
    .then(async (m) => {
      await m.default({ module_or_path: new URL('../pkg/flowdrill_drill_bg.wasm', import.meta.url) });
      return m;
    })
    .catch((e: unknown) => {
      loading = undefined;
      throw e;
    });
  return loading;
}

/** The drill module's session class, once `loadDrill()` has resolved. */
export type DrillSessionClass = DrillModule['DrillSession'];

// ---- saving -----------------------------------------------------------------------------

function local(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

function session(): Storage | null {
  try {
    return globalThis.sessionStorage ?? null;
  } catch {
    return null;
  }
}

/** The drill saved in this browser, if any. */
export function loadSaved(): SavedDrill | null {
  try {
    return parseSaved(local()?.getItem(DRILL_KEY));
  } catch {
    return null;
  }
}

/** Saves the drill; false when the browser refused (storage full or off). */
export function saveDrill(d: SavedDrill): boolean {
  try {
    const s = local();
    if (!s) return false;
    s.setItem(DRILL_KEY, JSON.stringify(d));
    return true;
  } catch {
    return false;
  }
}

/** Forgets the saved drill. */
export function clearSaved(): void {
  try {
    local()?.removeItem(DRILL_KEY);
  } catch {
    /* nothing saved */
  }
}

/** Who this tab plays as: this tab's choice, else the browser's last one. */
export function loadPlayer(): Player {
  for (const s of [session(), local()]) {
    try {
      const o = JSON.parse(s?.getItem(PLAYER_KEY) ?? 'null') as Partial<Player> | null;
      if (o && typeof o.name === 'string') return { name: o.name, role: typeof o.role === 'string' ? o.role : '' };
    } catch {
      /* try the next */
    }
  }
  return { name: '', role: '' };
}

export function savePlayer(p: Player): void {
  const text = JSON.stringify(p);
  for (const s of [session(), local()]) {
    try {
      s?.setItem(PLAYER_KEY, text);
    } catch {
      /* not saved */
    }
  }
}

// ---- tabs in sync -----------------------------------------------------------------------

/**
 * How drill messages travel between the tabs of one browser (a BroadcastChannel): each tab
 * holds the whole log and merges what it hears. A team drill across computers does not
 * merge logs: `flowdrill serve` keeps the one log, in order, and each browser talks to it
 * over a WebSocket (`drillServer.ts`).
 */
export interface DrillTransport {
  send(m: DrillMessage): void;
  /** Calls `f` for every message from elsewhere; returns the unsubscribe. */
  listen(f: (m: DrillMessage) => void): () => void;
  close(): void;
}

/** The tabs' channel, or null where BroadcastChannel is not available. */
export function broadcastTransport(name = DRILL_CHANNEL): DrillTransport | null {
  if (typeof BroadcastChannel === 'undefined') return null;
  const ch = new BroadcastChannel(name);
  const listeners = new Set<(m: DrillMessage) => void>();
  ch.onmessage = (ev: MessageEvent) => {
    const m = parseMessage(ev.data);
    if (!m) return;
    for (const f of listeners) f(m);
  };
  return {
    send(m) {
      try {
        ch.postMessage(m);
      } catch (e) {
        console.warn('drill: could not tell the other tabs', e);
      }
    },
    listen(f) {
      listeners.add(f);
      return () => listeners.delete(f);
    },
    close() {
      listeners.clear();
      ch.close();
    },
  };
}
