/**
 * The widget's words. English is the default; a page overrides any of them with the
 * `labels` property (`el.labels = {startOver: 'Recommencer'}`). `{name}` marks a value
 * filled in when the text is used.
 */
export const EN = {
  loading: 'Loading the flowchart…',
  loadingApp: 'Loading the workflow tools…',
  noSource: 'No workflow given: set the src attribute, put the workflow JSON in a <script type="application/json"> inside the element, or set its workflow property.',
  // Errors.
  errorTitle: 'This flowchart cannot be shown',
  errorFetch: 'Could not load {url}: {status}',
  errorNetwork: 'Could not load {url}: {message}',
  errorRead: 'The workflow could not be read: {message}',
  errorEngine: 'The workflow engine could not be loaded: {message}',
  errorWhere: 'Where',
  errorLine: 'line {line}, column {column}',
  errorPath: 'at {path}',
  errorSource: 'File',
  errorMode: 'Unknown mode “{mode}”: use view, assistant, simulate, drill or edit.',
  // View.
  chart: 'Flowchart of {name}',
  chartHint: 'Drag or use the arrow keys to move around, + and − to zoom, 0 to fit.',
  slas: 'Service levels',
  noSlas: 'This workflow has no service-level rules.',
  target: 'within {target}',
  calendar: 'Calendar: {calendar}',
  aroundTheClock: 'around the clock',
  appliesTo: 'Applies to',
  everyCase: 'every case',
  about: 'About this workflow',
  outline: 'The flowchart as a list',
  problems: 'The workflow has {count} problem(s):',
  version: 'version {version}',
  // Assistant.
  assistant: 'Route assistant',
  assistantIntro: 'Answer a few questions about the message: you get its route, its deadline and who to tell.',
  whichStart: 'Where does the case come in?',
  atStep: 'Step: {step}',
  answers: 'Your answers',
  change: 'Change',
  changeAnswer: 'Change your answer to “{question}”',
  leadsTo: 'leads to “{branch}”',
  question: 'Question {n}: {question}',
  questionN: 'Question {n}',
  startOver: 'Start over',
  route: 'What to do',
  outcome: 'Outcome',
  stuck: 'No branch of “{step}” takes this case: ask whoever owns the workflow.',
  deadlines: 'Deadlines',
  noDeadline: 'No service-level rule applies to this case.',
  due: 'Due {when}',
  dueIn: '(in {duration})',
  notStarted: 'Its clock does not start on this route.',
  ladder: 'If it runs late',
  steps: 'Steps',
  via: 'via “{branch}”',
  who: 'Who is told',
  nobody: 'Nobody needs to be told.',
  tell: 'tell {roles}',
  done: 'Route found: {outcome}.',
  doneDeadline: 'Route found: {outcome}. Due {when}.',
  nothing: 'nothing',
  computedAt: 'Worked out at {when}, on the team’s calendar.',
  // Simulate, drill and edit modes.
  undo: 'Undo',
  redo: 'Redo',
} as const;

export type LabelKey = keyof typeof EN;
export type Labels = Record<LabelKey, string>;

/** The English table with a page's overrides (unknown keys and non-strings are ignored). */
export function labelTable(overrides: unknown): Labels {
  const out: Labels = { ...EN };
  if (overrides && typeof overrides === 'object') {
    for (const [k, v] of Object.entries(overrides as Record<string, unknown>)) {
      if (k in EN && typeof v === 'string') out[k as LabelKey] = v;
    }
  }
  return out;
}

/** A label with its `{name}` parts filled in. */
export function fill(text: string, values: Record<string, string | number> = {}): string {
  return text.replace(/\{(\w+)\}/g, (m, k: string) => (k in values ? String(values[k]) : m));
}
