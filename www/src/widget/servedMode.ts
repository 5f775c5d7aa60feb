/**
 * `<flow-drill mode="drill" join="TOKEN" server="https://host:port">`: a participant of a
 * served team drill (`flowdrill serve`). The widget loads no workflow and no WebAssembly:
 * it joins over a WebSocket to `<server>/api/ws`, the person picks a name and a role, and
 * the widget shows the view the server sends for that role (the inbox, SLA countdowns on
 * the server's clock, the actions). A facilitator's token is refused with a message: the
 * facilitator's panel runs in the flowdrill app.
 */
import appCss from '../styles.css?inline';
import frameCss from './app.css?inline';
import { h } from '../dom';
import { ServedDrill, socketUrl } from '../drillServer';
import { createParticipantView } from '../views/drillServed';
import type { ModeContext, Mounted } from './shared';

export function mountServedMode(ctx: ModeContext, o: { server: string; token: string }): Mounted {
  let url: string;
  try {
    url = socketUrl(new URL(o.server, document.baseURI).href);
  } catch {
    ctx.fail({ kind: 'config', code: 'server', message: `server="${o.server}" is not a web address; expected one like https://drills.example.com:8080` });
    return { el: h('div'), dispose() {} };
  }
  const client = new ServedDrill({ url, token: o.token });
  const view = createParticipantView(client, { root: ctx.root });
  client.subscribe((e) => {
    if (e.type === 'welcome' && e.welcome.rights === 'participant' && !client.choosing) ctx.emit('drill-joined', { drill: e.welcome.drill, title: e.welcome.title, rights: e.welcome.rights, name: e.welcome.you.name, role: e.welcome.you.role });
  });
  const app = h('div', { class: 'fd-app fd-embedded', 'data-mode': 'drill' }, h('main', { class: 'views' }, h('section', { class: 'view-panel', 'aria-label': 'Team drill' }, view.el)));
  const el = h('div', { class: 'fd-app-mode' }, h('style', null, appCss + frameCss), app);
  return {
    el,
    shown() {
      client.start();
      view.show();
    },
    dispose() {
      view.dispose();
      client.stop();
    },
  };
}
