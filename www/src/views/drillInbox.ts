/**
 * The inbox's post cards, shared by the Drill view (tabs of one browser, and the served
 * facilitator watching) and a served drill's participant view: a post with its author,
 * channel, age, SLA countdowns, where it waits and who holds it, and the actions that move
 * it (take, done, flag, let stand, close, route by branch, respond public or private,
 * notify, classify, escalate, tag).
 *
 * A card never takes an action itself: it calls `env.play`, which stamps and applies it
 * (tabs) or sends it to the server (served), and answers whether it was taken, at once or
 * later. The text people type (a reply, tags) is cleared only once the action is taken.
 */
import { button, h, replace, uid } from '../dom';
import { countdown, offsetText } from '../drillModel';
import type { CaseView, DrillAction, DrillView, StepView } from '../types';

/** An action before it is stamped: what, on what. */
export type ActionInput = Omit<DrillAction, 'at' | 'by'>;

/** What a card needs from the view it is in. */
export interface InboxEnv {
  root: Document | ShadowRoot;
  /**
   * Takes an action on the post; says why not in `err` when it cannot. True (or a promise
   * of true) when it was taken.
   */
  play(input: ActionInput, err: HTMLElement): boolean | Promise<boolean>;
  /** An instant in the workflow's zone, like `Wed 16:42`. */
  localTime(iso: string): string;
  /** The drill's start (ms), for `T+` offsets. */
  origin(): number;
}

/** What every card reads of the view besides its post. */
export type InboxState = Pick<DrillView, 'now' | 'roles' | 'attributes'>;

export interface Card {
  el: HTMLElement;
  update(c: CaseView, v: InboxState): void;
}

/** Runs `then` once `result` says the action was taken. */
async function settle(result: boolean | Promise<boolean>, then: () => void): Promise<void> {
  try {
    if (await result) then();
  } catch {
    /* said in the card */
  }
}

/**
 * Rebuilds `el` with `build()` when `sig` changed, keeping the focus on the same control
 * (by its `data-key`), or moving it to `fallback` when that control is gone.
 */
export function rebuild(root: Document | ShadowRoot, el: HTMLElement, sig: string, build: () => Array<Node | string | null>, fallback?: () => HTMLElement | null | undefined): void {
  if (el.dataset.sig === sig) return;
  el.dataset.sig = sig;
  const active = root.activeElement as HTMLElement | null;
  const had = active !== null && el.contains(active);
  const key = had ? active.dataset.key : undefined;
  replace(el, ...build());
  if (!had) return;
  const again = key ? el.querySelector<HTMLElement>(`[data-key="${CSS.escape(key)}"]`) : null;
  const target = again ?? fallback?.();
  if (target && target.isConnected && !(target as HTMLButtonElement).disabled) target.focus();
}

/** The line above the inbox: open and closed posts, channels down, staff lost. */
export function inboxNotes(v: { cases: CaseView[]; outages: Array<{ channel: string; until: string }>; staff_lost?: Array<[string, number]> }, localTime: (iso: string) => string): string {
  const open = v.cases.filter((c) => !c.ended).length;
  const notes = [`${open} open · ${v.cases.length - open} closed`];
  for (const o of v.outages) notes.push(`${o.channel} is down until ${localTime(o.until)}: public replies there are refused`);
  for (const [role, n] of v.staff_lost ?? []) notes.push(`${role} is ${n} short`);
  return notes.join(' · ');
}

/**
 * Puts the cards of `cases` into `inbox` in their order (newest first), making the new ones,
 * updating the others and removing those gone.
 */
export function renderCards(inbox: HTMLElement, cards: Map<string, Card>, cases: CaseView[], v: InboxState, env: InboxEnv): void {
  const want = new Set(cases.map((c) => c.id));
  for (const [id, card] of cards) {
    if (!want.has(id)) {
      card.el.remove();
      cards.delete(id);
    }
  }
  cases.forEach((c, i) => {
    let card = cards.get(c.id);
    if (!card) {
      card = makeCard(c, env);
      cards.set(c.id, card);
    }
    card.update(c, v);
    const at = inbox.children[i];
    if (at !== card.el) inbox.insertBefore(card.el, at ?? null);
  });
}

export function stepText(s: StepView): string {
  const who = s.role ? ` · ${s.role}` : s.roles.length ? ` · tell ${s.roles.join(', ')}` : '';
  return `${s.label} (${s.kind}${who})`;
}

export function makeCard(first: CaseView, env: InboxEnv): Card {
  const { root, play, localTime } = env;
  const id = first.id;
  const headId = uid('post');
  const err = h('p', { class: 'post-error', role: 'alert', 'data-testid': 'post-error' });
  const author = h('span', { class: 'post-author', id: headId }, first.author);
  const channel = h('span', { class: 'post-channel' }, first.channel);
  const age = h('span', { class: 'post-age' });
  const badges = h('span', { class: 'post-badges' });
  const text = h('p', { class: 'post-text' }, first.text);
  const slas = h('ul', { class: 'plain post-slas', 'aria-label': 'SLA clocks' });
  const where = h('div', { class: 'post-where' });
  const k = (name: string) => `${name}:${id}`;

  // "Done" buttons, one per task the post waits at (parallel tasks name their step).
  const doneBox = h('span', { class: 'done-box' });
  const takeBtn = button('Take', () => play({ do: 'take', case: id }, err), { 'data-action': 'take', 'data-key': k('take'), title: 'Take the post: you hold it now' });
  const primary = h(
    'div',
    { class: 'act-row' },
    takeBtn,
    doneBox,
    button('Flag', () => play({ do: 'flag', case: id }, err), { 'data-action': 'flag', 'data-key': k('flag') }),
    button('Let stand', () => play({ do: 'let-stand', case: id }, err), { 'data-action': 'let-stand', 'data-key': k('let-stand'), title: 'Decide not to respond, and close the post' }),
    button('Close', () => play({ do: 'close', case: id }, err), { 'data-action': 'close', 'data-key': k('close') }),
  );
  const routeRow = h('div', { class: 'act-row route-row' });

  const reply = h('textarea', { id: uid('reply'), rows: 2, 'data-field': 'reply', placeholder: 'Your reply' });
  const respond = (visibility: 'public' | 'private') => {
    const t = reply.value.trim();
    void settle(play({ do: 'respond', case: id, visibility, ...(t ? { text: t } : {}) }, err), () => {
      if (reply.value.trim() === t) reply.value = '';
    });
  };
  const replyBox = h(
    'div',
    { class: 'reply-box' },
    h('label', { for: reply.id, class: 'visually-hidden' }, `Reply to ${first.author}`),
    reply,
    h(
      'div',
      { class: 'reply-buttons' },
      button('Respond public', () => respond('public'), { 'data-action': 'respond-public', 'data-key': k('respond-public'), title: 'Reply in the channel, for everyone to see' }),
      button('Respond private', () => respond('private'), { 'data-action': 'respond-private', 'data-key': k('respond-private'), title: 'Reply off channel (direct message, email)' }),
    ),
  );

  // Classify.
  const attrSelect = h('select', { id: uid('attr'), 'data-field': 'classify-attribute' });
  const valueSelect = h('select', { id: uid('value'), 'data-field': 'classify-value' });
  let attrs: DrillView['attributes'] = [];
  const fillValues = () => {
    const a = attrs.find((x) => x.name === attrSelect.value);
    replace(valueSelect, ...(a?.values ?? []).map((x) => h('option', { value: x }, x)));
  };
  attrSelect.addEventListener('change', fillValues);
  const classify = h(
    'fieldset',
    { class: 'mini' },
    h('legend', null, 'Classify'),
    h('label', { for: attrSelect.id, class: 'visually-hidden' }, 'Attribute'),
    attrSelect,
    h('label', { for: valueSelect.id, class: 'visually-hidden' }, 'Value'),
    valueSelect,
    button('Classify', () => play({ do: 'classify', case: id, attributes: { [attrSelect.value]: valueSelect.value } }, err), { class: 'small', 'data-action': 'classify' }),
  );
  // Notify: every role, none ticked (the drill tests whether people remember whom to tell).
  const notifyBoxes = h('div', { class: 'role-boxes' });
  const notifyBtn = button(
    'Notify',
    () => {
      const roles = [...notifyBoxes.querySelectorAll<HTMLInputElement>('input:checked')].map((x) => x.value);
      if (!roles.length) {
        err.textContent = 'Tick the roles to notify first.';
        return;
      }
      void settle(play({ do: 'notify', case: id, roles }, err), () => {
          for (const x of notifyBoxes.querySelectorAll<HTMLInputElement>('input')) x.checked = false;
        });
    },
    { class: 'small', 'data-action': 'notify' },
  );
  const notify = h('fieldset', { class: 'mini notify' }, h('legend', null, 'Notify'), notifyBoxes, notifyBtn);
  // Escalate.
  const escSelect = h('select', { id: uid('esc'), 'data-field': 'escalate-to' });
  const escalate = h(
    'fieldset',
    { class: 'mini' },
    h('legend', null, 'Escalate'),
    h('label', { for: escSelect.id, class: 'visually-hidden' }, 'Escalate to role'),
    escSelect,
    button('Escalate', () => play({ do: 'escalate', case: id, to: escSelect.value }, err), { class: 'small', 'data-action': 'escalate' }),
  );
  // Tag.
  const tagInput = h('input', { type: 'text', id: uid('tags'), 'data-field': 'tags', placeholder: 'tag, another', spellcheck: false });
  const tagIt = () => {
    const tags = tagInput.value
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean);
    if (!tags.length) {
      err.textContent = 'Type one or more tags, separated by commas.';
      return;
    }
    void settle(play({ do: 'tag', case: id, tags }, err), () => {
      tagInput.value = '';
    });
  };
  tagInput.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      tagIt();
    }
  });
  const tag = h(
    'fieldset',
    { class: 'mini tag' },
    h('legend', null, 'Tag'),
    h('label', { for: tagInput.id, class: 'visually-hidden' }, 'Tags'),
    tagInput,
    button('Tag', tagIt, { class: 'small', 'data-action': 'tag' }),
  );
  const more = h('details', { class: 'more-actions' }, h('summary', { 'data-action': 'more' }, 'Notify · Classify · Escalate · Tag'), h('div', { class: 'more-grid' }, notify, classify, escalate, tag));
  const actions = h('div', { class: 'post-actions' }, primary, routeRow, replyBox, more);

  const el = h(
    'article',
    { class: 'post', 'data-case': id, 'aria-labelledby': headId, tabindex: -1 },
    h('header', { class: 'post-head' }, author, channel, age, badges),
    text,
    slas,
    where,
    actions,
    err,
  );

  let sig = '';
  let rolesSig = '';
  return {
    el,
    update(c, v) {
      const closed = c.ended !== null;
      age.textContent = closed ? `closed after ${c.age}` : `${c.age} ago`;
      age.title = `published ${localTime(c.published)} (${offsetText(c.published, env.origin())})`;
      // SLA countdowns: text every time (drill time moves), never colour alone.
      replace(
        slas,
        ...c.clocks.map((clock) => {
          const cd = countdown(clock, v.now);
          return h(
            'li',
            { class: `sla level-${cd.level}`, 'data-rule': clock.rule, 'data-level': cd.level },
            h('span', { class: 'sla-icon', 'aria-hidden': 'true' }, cd.level === 'breached' ? '✕' : cd.level === 'warning' ? '!' : cd.level === 'done' ? '✓' : '◷'),
            h('span', { class: 'sla-left' }, cd.text),
            h('span', { class: 'sla-name', title: clock.name }, clock.rule),
            clock.deadline && cd.level !== 'done' ? h('span', { class: 'sla-deadline muted' }, `due ${localTime(clock.deadline)}`) : null,
          );
        }),
      );
      const s = JSON.stringify([c.read, c.holder, c.holder_role, c.tags, c.flagged, c.priority, c.steps, c.outcome, c.ended, c.source]);
      if (s !== sig) {
        sig = s;
        el.classList.toggle('closed', closed);
        el.classList.toggle('flagged', c.flagged);
        el.classList.toggle('priority', c.priority);
        replace(
          badges,
          c.source !== 'inject' ? h('span', { class: 'badge' }, c.source) : null,
          c.flagged ? h('span', { class: 'badge warn' }, '⚑ flagged') : null,
          c.priority ? h('span', { class: 'badge bad' }, '▲ priority') : null,
          closed ? h('span', { class: 'badge ok' }, `closed: ${c.outcome ?? 'closed'}`) : null,
        );
        replace(
          where,
          c.steps.length ? h('div', null, h('span', { class: 'where-label' }, 'Waits at '), c.steps.map(stepText).join('; ')) : null,
          c.holder || c.holder_role
            ? h('div', null, h('span', { class: 'where-label' }, 'With '), c.holder ? `${c.holder}${c.holder_role ? ` (${c.holder_role})` : ''}` : `${c.holder_role} (not taken yet)`)
            : null,
          c.read.length ? h('div', null, h('span', { class: 'where-label' }, 'Read as '), c.read.map(([a, x]) => `${a}=${x}`).join(', ')) : null,
          c.tags.length ? h('div', null, h('span', { class: 'where-label' }, 'Tags '), c.tags.join(', ')) : null,
        );
        // A post just closed hides its actions: keep the keyboard on the post.
        if (closed && !actions.hidden && actions.contains(root.activeElement)) {
          actions.hidden = true;
          el.focus();
        }
        actions.hidden = closed;
        const tasks = c.steps.filter((x) => x.kind === 'task');
        rebuild(root, doneBox, JSON.stringify(tasks.map((t) => [t.node, t.label, t.role])), () =>
          tasks.map((t) =>
            button(tasks.length > 1 ? `Done: ${t.role ?? t.label}` : 'Done', () => play({ do: 'done', case: id, ...(tasks.length > 1 ? { step: t.node } : {}) }, err), {
              'data-action': 'done',
              'data-step': t.node,
              'data-key': `done:${id}:${t.node}`,
              title: `Finish the task: ${t.label}`,
              'aria-label': `Done: ${t.label}`,
            }),
          ),
          () => takeBtn,
        );
        // One button per branch of the decision it waits at.
        const routed = c.steps.filter((x) => x.branches.length);
        rebuild(root, routeRow, JSON.stringify(routed), () =>
          routed.length
            ? [
                h('span', { class: 'route-label' }, 'Route'),
                ...routed.flatMap((st) =>
                  st.branches.map((b) =>
                    button(b.label, () => play({ do: 'route', case: id, to: b.to }, err), {
                      class: 'branch',
                      'data-action': 'route',
                      'data-to': b.to,
                      'data-key': `route:${id}:${b.to}`,
                      title: `Route to ${b.to}${st.decision ? ` (${st.decision})` : ''}`,
                    }),
                  ),
                ),
              ]
            : [],
          () => (closed ? null : takeBtn),
        );
        routeRow.hidden = routed.length === 0;
      }
      // Roles and attributes (the same for every post; filled once per drill).
      const rs = JSON.stringify([v.roles, v.attributes]);
      if (rs !== rolesSig) {
        rolesSig = rs;
        attrs = v.attributes;
        replace(attrSelect, ...attrs.map((a) => h('option', { value: a.name }, a.name)));
        fillValues();
        replace(escSelect, ...v.roles.map((r) => h('option', { value: r }, r)));
        replace(
          notifyBoxes,
          ...v.roles.map((r) => h('label', { class: 'check' }, h('input', { type: 'checkbox', value: r, 'data-role': r }), h('span', null, r))),
        );
      }
    },
  };
}