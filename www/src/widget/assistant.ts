/**
 * `mode="assistant"`: staff answer the workflow's questions about one message, in the
 * order its decisions ask them, and get the route, each deadline from now on the team's
 * calendar, the escalation ladder and who is told.
 *
 * `Workflow.route(answers, start, now)` does the work: while the case is not decided it
 * throws a `route` error naming the decision and the attribute it needs (asked next); once
 * it is, it answers with the route, its timeline and its SLA deadlines.
 */
import { attributes, findNode, nodeLabel, roleLabel, startNodes } from '../doc';
import { button, h, replace, uid } from '../dom';
import { errorInfo } from '../errors';
import { formatSeconds } from '../format';
import type { Assignment, Doc, RouteAnswer, Value } from '../types';
import { AssistWorkflow as Workflow } from './core';
import css from './assistant.css?inline';
import { fill } from './labels';
import { type ModeContext, type Mounted, coreError, readDoc, instantText, nowIso, valueText, zoneOf } from './shared';

/** A deadline as the `route-changed` event tells it. */
export interface DeadlineInfo {
  rule: string;
  name: string;
  target: string;
  calendar: string | null;
  /** The zone the deadline is shown in. */
  timezone: string;
  /** RFC 3339 (UTC), or `null` when the rule's clock does not start on this route. */
  deadline: string | null;
  /** As shown. */
  text: string;
}

interface Question {
  /** `start`: which start node; otherwise the attribute. */
  attribute: string;
  /** The decision that needs it (none for the start). */
  decision: string | null;
  text: string;
  choices: Array<{ value: Value | string; label: string; hint?: string }>;
}

export function mountAssistant(ctx: ModeContext): Mounted {
  const { loaded, labels, lang } = ctx;
  let wf: Workflow;
  try {
    wf = Workflow.fromJson(loaded.text);
  } catch (e) {
    ctx.fail({ ...coreError(e), source: loaded.source });
    return { el: h('div'), dispose() {} };
  }
  const doc: Doc = readDoc(loaded.text);
  try {
    ctx.validated(wf.validateStructure());
  } catch (e) {
    console.warn('flowdrill: validation failed', e);
    ctx.validated([]);
  }
  const attrs = new Map(attributes(doc).map((a) => [a.id, a]));
  const starts = startNodes(doc);
  const name = typeof doc.name === 'string' && doc.name ? doc.name : wf.id;
  let start: string | null = ctx.start && starts.some((s) => s.id === ctx.start) ? ctx.start : starts.length === 1 ? starts[0]!.id : null;
  const fixedStart = start !== null;
  /** The answers, in the order they were given. */
  let answers: Array<[string, Value]> = [];
  let lastRouteKey = '';

  const headId = uid('fd-title');
  const answered = h('ol', { class: 'fd-answers', 'aria-label': labels.answers, 'data-testid': 'answers' });
  const questionBox = h('div', { class: 'fd-question-box' });
  const resultBox = h('div', { class: 'fd-result-box' });
  const live = h('div', { class: 'fd-visually-hidden', role: 'status', 'aria-live': 'polite', 'data-testid': 'assistant-live' });
  const el = h(
    'section',
    { class: 'fd-assistant', 'aria-labelledby': headId, 'data-testid': 'widget-assistant' },
    h('style', null, css),
    h('header', { class: 'fd-head' }, h('h2', { id: headId }, name), h('span', { class: 'fd-chip' }, labels.assistant)),
    h('p', { class: 'fd-intro' }, labels.assistantIntro),
    answered,
    questionBox,
    resultBox,
    live,
  );

  function caseOf(list = answers): Assignment {
    const out: Assignment = {};
    for (const [k, v] of list) out[k] = v;
    return out;
  }

  function questionText(attr: string): string {
    if (attr === 'start') return labels.whichStart;
    const a = attrs.get(attr);
    return a?.question ?? a?.label ?? attr;
  }

  function answerText(attr: string, v: Value | string): string {
    if (attr === 'start') return nodeLabel(findNode(doc, String(v)), String(v));
    return valueText(v);
  }

  /** Where the route goes next from `decision` with these answers, when it can tell. */
  function branchAfter(decision: string, list: Array<[string, Value]>): string | undefined {
    try {
      const r = wf.route(caseOf(list), start).route;
      const i = r.steps.findIndex((s) => s.node === decision);
      const next = i >= 0 ? r.steps[i + 1] : undefined;
      return next ? (next.via ?? next.name) : undefined;
    } catch {
      // Not decided yet (or decided further on): no branch to show.
      return undefined;
    }
  }

  type Step = { kind: 'ask'; q: Question } | { kind: 'done'; answer: RouteAnswer; at: string } | { kind: 'error'; message: string };

  function next(): Step {
    if (start === null) {
      return {
        kind: 'ask',
        q: {
          attribute: 'start',
          decision: null,
          text: labels.whichStart,
          choices: starts.map((s) => ({ value: s.id, label: nodeLabel(s, s.id) })),
        },
      };
    }
    const at = nowIso();
    try {
      return { kind: 'done', answer: wf.route(caseOf(), start, at), at };
    } catch (e) {
      // The core names the decision and the attribute it needs on the error.
      const { code, message, decision, attribute: attr } = errorInfo(e);
      const a = code === 'route' && attr ? attrs.get(attr) : undefined;
      if (!attr || !decision || !a) return { kind: 'error', message };
      return {
        kind: 'ask',
        q: {
          attribute: attr,
          decision,
          text: questionText(attr),
          choices: a.values.map((v) => {
            const branch = branchAfter(decision, [...answers, [attr, v]]);
            const c: Question['choices'][number] = { value: v, label: valueText(v) };
            const same = (x: string) => x.toLowerCase().replace(/[^a-z0-9]+/g, '');
            if (branch && same(branch) !== same(String(v))) c.hint = fill(labels.leadsTo, { branch });
            return c;
          }),
        },
      };
    }
  }

  function answer(attr: string, v: Value | string): void {
    if (attr === 'start') start = String(v);
    else answers.push([attr, v as Value]);
    render(true);
  }

  function changeFrom(index: number): void {
    // Later questions may depend on this answer: they are asked again.
    if (index < 0) {
      start = null;
      answers = [];
    } else answers = answers.slice(0, index);
    render(true);
  }

  function renderAnswers(): void {
    const items: HTMLElement[] = [];
    const row = (index: number, attr: string, v: Value | string) => {
      const q = questionText(attr);
      return h(
        'li',
        { 'data-attribute': attr },
        h('span', { class: 'fd-a-q' }, q),
        h('span', { class: 'fd-a-v', 'data-testid': 'answer' }, answerText(attr, v)),
        button(labels.change, () => changeFrom(index), { class: 'fd-link', 'aria-label': fill(labels.changeAnswer, { question: q }), 'data-action': 'change' }),
      );
    };
    if (!fixedStart && start !== null) items.push(row(-1, 'start', start));
    answers.forEach(([k, v], i) => items.push(row(i, k, v)));
    replace(answered, ...items);
    answered.hidden = items.length === 0;
  }

  function renderQuestion(q: Question, focus: boolean): void {
    const qid = uid('fd-q');
    const n = answers.length + (fixedStart || q.attribute === 'start' ? 1 : 2);
    const decision = q.decision ? findNode(doc, q.decision) : undefined;
    const context = decision ? (typeof decision.question === 'string' && decision.question !== q.text ? decision.question : nodeLabel(decision, q.decision ?? '')) : '';
    const heading = h('h3', { id: qid, class: 'fd-q-text', tabindex: -1, 'data-testid': 'question' }, q.text);
    const group = h(
      'div',
      { class: 'fd-choices', role: 'group', 'aria-labelledby': qid, 'data-attribute': q.attribute },
      ...q.choices.map((c) =>
        button('', () => answer(q.attribute, c.value), {
          class: 'fd-choice',
          'data-value': String(c.value),
        }),
      ),
    );
    // Buttons: the value, and where it leads when the decision can tell already.
    [...group.children].forEach((b, i) => {
      const c = q.choices[i]!;
      replace(b as HTMLElement, h('span', { class: 'fd-choice-label' }, c.label), c.hint ? h('span', { class: 'fd-choice-hint' }, c.hint) : null);
    });
    replace(
      questionBox,
      h(
        'div',
        { class: 'fd-question', 'data-testid': 'question-box' },
        h('p', { class: 'fd-q-n' }, fill(labels.questionN, { n })),
        heading,
        context ? h('p', { class: 'fd-q-context' }, fill(labels.atStep, { step: context })) : null,
        group,
      ),
    );
    replace(resultBox);
    if (focus) {
      heading.focus();
      live.textContent = fill(labels.question, { n, question: q.text });
    }
  }

  function deadlinesOf(ans: RouteAnswer): DeadlineInfo[] {
    return (ans.slas ?? []).map((s) => {
      const tz = zoneOf(doc, s.calendar);
      return {
        rule: s.rule,
        name: s.name ?? s.rule,
        target: s.target,
        calendar: s.calendar,
        timezone: tz,
        deadline: s.deadline,
        text: s.deadline ? instantText(s.deadline, tz, lang) : '',
      };
    });
  }

  function renderResult(ans: RouteAnswer, at: string, focus: boolean): void {
    replace(questionBox);
    const r = ans.route;
    const deadlines = deadlinesOf(ans);
    const zone = zoneOf(doc);
    const rid = uid('fd-r');
    const heading = h('h3', { id: rid, tabindex: -1 }, labels.route);
    const endName = r.end ? nodeLabel(findNode(doc, r.end), r.end) : '';
    const outcome =
      r.outcome !== null
        ? h('p', { class: 'fd-outcome ok', 'data-testid': 'outcome', 'data-outcome': r.outcome }, h('span', { class: 'fd-muted' }, `${labels.outcome}: `), h('strong', null, endName), ' ', h('span', { class: 'fd-chip' }, r.outcome))
        : h('p', { class: 'fd-outcome bad', 'data-testid': 'outcome', 'data-outcome': '' }, fill(labels.stuck, { step: nodeLabel(findNode(doc, r.stuck_at ?? ''), r.stuck_at ?? '?') }));
    const now = Date.parse(at);
    const cards = deadlines.map((d, i) => {
      const s = ans.slas![i]!;
      const cal = d.calendar ? doc.calendars?.[d.calendar] : undefined;
      const calText = d.calendar ? fill(labels.calendar, { calendar: `${cal?.name ?? d.calendar}, ${d.timezone}` }) : labels.aroundTheClock;
      const left = d.deadline ? (Date.parse(d.deadline) - now) / 1000 : NaN;
      return h(
        'li',
        { class: 'fd-deadline', 'data-rule': d.rule },
        h('div', { class: 'fd-sla-name' }, d.name),
        d.deadline
          ? h(
              'p',
              { class: 'fd-due' },
              h('strong', { 'data-testid': 'deadline', 'data-deadline': d.deadline, 'data-zone': d.timezone }, fill(labels.due, { when: d.text })),
              Number.isFinite(left) && left > 0 ? h('span', { class: 'fd-muted' }, ` ${fill(labels.dueIn, { duration: formatSeconds(left) })}`) : null,
            )
          : h('p', { class: 'fd-muted' }, labels.notStarted),
        h('p', { class: 'fd-muted fd-small' }, `${fill(labels.target, { target: d.target })} · ${calText}`),
        s.ladder.length
          ? h(
              'details',
              { class: 'fd-ladder' },
              h('summary', null, labels.ladder),
              h(
                'ol',
                null,
                ...s.ladder.map((l) =>
                  h(
                    'li',
                    null,
                    h('span', { class: 'fd-chip' }, l.at),
                    ' ',
                    h('span', { class: 'fd-when' }, instantText(l.instant, d.timezone, lang)),
                    ' — ',
                    [l.notify.length ? fill(labels.tell, { roles: l.notify.map((x) => roleLabel(doc, x)).join(', ') }) : '', ...l.actions].filter(Boolean).join('; ') || labels.nothing,
                  ),
                ),
              ),
            )
          : null,
      );
    });
    const told = r.notifications;
    const whoList = told.length
      ? h(
          'ul',
          { class: 'fd-who', 'data-testid': 'who' },
          ...told.map((n) =>
            h(
              'li',
              null,
              h('strong', null, n.roles.map((x) => roleLabel(doc, x)).join(', ')),
              h('span', { class: 'fd-muted' }, ` — ${nodeLabel(findNode(doc, n.node), n.node)}`),
              n.message ? h('div', { class: 'fd-small' }, n.message) : null,
            ),
          ),
        )
      : h('p', { class: 'fd-muted', 'data-testid': 'who' }, labels.nobody);
    const steps = h(
      'ol',
      { class: 'fd-steps', 'data-testid': 'steps' },
      ...r.steps.map((s) =>
        h(
          'li',
          { class: `kind-${s.kind}`, 'data-node': s.node },
          h('span', { class: 'fd-step-name' }, s.name),
          s.via || s.role
            ? h(
                'span',
                { class: 'fd-step-meta' },
                s.via ? h('span', { class: 'fd-via' }, fill(labels.via, { branch: s.via })) : null,
                s.via && s.role ? ' · ' : null,
                s.role ? h('span', { class: 'fd-role' }, roleLabel(doc, s.role)) : null,
              )
            : null,
        ),
      ),
    );
    replace(
      resultBox,
      h(
        'section',
        { class: 'fd-result', 'aria-labelledby': rid, 'data-testid': 'result' },
        heading,
        outcome,
        h('h4', null, labels.deadlines),
        cards.length ? h('ul', { class: 'fd-deadlines' }, ...cards) : h('p', { class: 'fd-muted' }, labels.noDeadline),
        h('h4', null, labels.who),
        whoList,
        h('h4', null, labels.steps),
        steps,
        h('p', { class: 'fd-muted fd-small' }, fill(labels.computedAt, { when: instantText(at, zone, lang) })),
        button(labels.startOver, () => changeFrom(fixedStart ? 0 : -1), { class: 'fd-primary', 'data-action': 'start-over' }),
      ),
    );
    const first = deadlines.find((d) => d.deadline);
    const outcomeText = r.outcome !== null ? endName : fill(labels.stuck, { step: r.stuck_at ?? '?' });
    if (focus) {
      heading.focus();
      live.textContent = first ? fill(labels.doneDeadline, { outcome: outcomeText, when: first.text }) : fill(labels.done, { outcome: outcomeText });
    }
    const key = JSON.stringify([start, answers]);
    if (key !== lastRouteKey) {
      lastRouteKey = key;
      ctx.emit('route-changed', { attributes: caseOf(), start, route: r, deadlines, at });
    }
  }

  function render(focus = false): void {
    renderAnswers();
    const step = next();
    if (step.kind === 'ask') {
      renderQuestion(step.q, focus);
      if (lastRouteKey !== '') {
        lastRouteKey = '';
        ctx.emit('route-changed', { attributes: caseOf(), start, route: null, deadlines: [], at: null });
      }
    } else if (step.kind === 'done') renderResult(step.answer, step.at, focus);
    else {
      replace(questionBox, h('p', { class: 'fd-error-message', role: 'alert' }, step.message));
      replace(resultBox);
    }
  }

  render(false);
  return {
    el,
    dispose() {
      wf.free();
    },
  };
}
