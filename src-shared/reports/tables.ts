import { formatInstant } from '../time/copenhagen.js';
import type { Verdict } from '../workflow/verdict.js';
import type { PunctualityBucket, Report, Totals } from './figures.js';

/**
 * The report as tables: what the screen shows beside each chart, and exactly what the CSV, XLSX
 * and print exports contain, so an export always equals the screen. Danish first, English second.
 * Aggregates only: no citizen is named, no CPR number exists here.
 */
export type Lang = 'da' | 'en';
type Text = Record<Lang, string>;

/** A figure: its name and the definition shown beside it. */
export interface FigureLabel {
  name: Text;
  definition: Text;
  unit: 'count' | 'share' | 'number' | 'minutes';
}

export const FIGURES: Record<keyof Totals, FigureLabel> = {
  planned: {
    name: { da: 'Planlagte skærmbesøg', en: 'Planned screen visits' },
    definition: {
      da: 'Skærmbesøg (Appointments) med start i perioden, undtagen dem oprettet ved en fejl.',
      en: 'Screen visits (Appointments) starting in the period, except those entered in error.',
    },
    unit: 'count',
  },
  done: {
    name: { da: 'Gennemførte', en: 'Done' },
    definition: {
      da: 'Besøg der blev gennemført (Appointment "fulfilled", med en Encounter for opkaldet).',
      en: 'Visits that took place (Appointment "fulfilled", with an Encounter for the call).',
    },
    unit: 'count',
  },
  notAnswered: {
    name: { da: 'Ikke besvaret', en: 'Not answered' },
    definition: {
      da: 'Besøg lukket som ikke besvaret efter sidste forsøg (Appointment "noshow").',
      en: 'Visits closed as not answered after the last attempt (Appointment "noshow").',
    },
    unit: 'count',
  },
  technicalFailure: {
    name: { da: 'Teknisk fejl', en: 'Technical failure' },
    definition: {
      da: 'Besøg aflyst fordi opkaldet ikke kunne gennemføres teknisk; omlagt til fysisk besøg.',
      en: 'Visits cancelled because the call failed technically; moved to a physical visit.',
    },
    unit: 'count',
  },
  converted: {
    name: { da: 'Omlagt til fysisk besøg', en: 'Converted to a physical visit' },
    definition: {
      da: 'Besøg aflyst og omlagt til et fysisk besøg (en opgave til hjemmeplejegruppen).',
      en: 'Visits cancelled and converted to a physical visit (a Task for the home-care group).',
    },
    unit: 'count',
  },
  other: {
    name: { da: 'Andet (aflyst eller åbent)', en: 'Other (cancelled or open)' },
    definition: { da: 'Besøg aflyst af en anden grund, eller endnu ikke afsluttet.', en: 'Visits cancelled for another reason, or not closed yet.' },
    unit: 'count',
  },
  urgent: {
    name: { da: 'Akut', en: 'Urgent' },
    definition: {
      da: 'Besøg hvor der blev trykket "Akut" under opkaldet (akut fysisk besøg bestilt).',
      en: 'Visits where "Urgent" was pressed during the call (an urgent physical visit ordered).',
    },
    unit: 'count',
  },
  withRelative: {
    name: { da: 'Med pårørende', en: 'With a relative' },
    definition: {
      da: 'Besøg hvor en pårørende deltog i opkaldet (inviteret og sagt ja til af borgeren).',
      en: 'Visits where a relative took part in the call (invited, and agreed to by the citizen).',
    },
    unit: 'count',
  },
  withColleague: {
    name: { da: 'Med kollega', en: 'With a colleague' },
    definition: { da: 'Besøg hvor en kollega deltog i opkaldet.', en: 'Visits where a colleague joined the call.' },
    unit: 'count',
  },
  answerRate: {
    name: { da: 'Svarprocent', en: 'Answer rate' },
    definition: {
      da: 'Besvarede opkald delt med besvarede og ubesvarede opkald (tekniske fejl tæller ikke med).',
      en: 'Answered calls divided by answered and unanswered calls (technical failures not counted).',
    },
    unit: 'share',
  },
  attemptsPerDone: {
    name: { da: 'Forsøg pr. gennemført besøg', en: 'Attempts per done visit' },
    definition: {
      da: 'Alle opkald (også ubesvarede og fejlede) til de gennemførte besøg, delt med antallet af gennemførte besøg.',
      en: 'All calls (unanswered and failed ones too) to the done visits, divided by the number of done visits.',
    },
    unit: 'number',
  },
  screenMinutes: {
    name: { da: 'Tid på skærm (minutter)', en: 'Time on screen (minutes)' },
    definition: {
      da: 'Summen af alle afholdte opkalds længde (Encounter.period) i perioden.',
      en: 'The sum of the length of all held calls (Encounter.period) in the period.',
    },
    unit: 'minutes',
  },
  punctualShare: {
    name: { da: 'Til tiden', en: 'On time' },
    definition: {
      da: 'Andel af besøg hvor første opkald ringede højst 5 minutter før eller efter det planlagte tidspunkt.',
      en: 'Share of visits whose first call rang at most 5 minutes before or after the planned time.',
    },
    unit: 'share',
  },
  citizens: {
    name: { da: 'Borgere', en: 'Citizens' },
    definition: { da: 'Forskellige borgere med skærmbesøg i perioden.', en: 'Different citizens with screen visits in the period.' },
    unit: 'count',
  },
  newCitizens: {
    name: { da: 'Nye borgere', en: 'New citizens' },
    definition: {
      da: 'Borgere hvis første skærmbesøg ligger i perioden (intet skærmbesøg de 4 uger før).',
      en: 'Citizens whose first screen visit is in the period (none in the 4 weeks before).',
    },
    unit: 'count',
  },
  endedCitizens: {
    name: { da: 'Ophørte borgere', en: 'Ended citizens' },
    definition: {
      da: 'Borgere hvis sidste skærmbesøg ligger i perioden (intet planlagt de 4 uger efter).',
      en: 'Citizens whose last screen visit is in the period (none planned in the 4 weeks after).',
    },
    unit: 'count',
  },
  visitsPerCitizen: {
    name: { da: 'Besøg pr. borger', en: 'Visits per citizen' },
    definition: { da: 'Planlagte skærmbesøg delt med antallet af borgere.', en: 'Planned screen visits divided by the number of citizens.' },
    unit: 'number',
  },
  satisfactionAsked: {
    name: { da: 'Borgere spurgt om tilfredshed', en: 'Citizens asked about satisfaction' },
    definition: {
      da: 'Opkald hvor tabletten viste de tre ansigter (svar eller intet svar inden for 15 sekunder).',
      en: 'Calls after which the tablet showed the three faces (answered or not within 15 seconds).',
    },
    unit: 'count',
  },
  goodShare: {
    name: { da: 'Tilfredse ("Godt")', en: 'Satisfied ("Good")' },
    definition: { da: 'Andel af de spurgte der trykkede "Godt".', en: 'Share of those asked who tapped "Good".' },
    unit: 'share',
  },
};

export const BUCKETS: Record<PunctualityBucket, Text> = {
  early: { da: 'Over 5 min for tidligt', en: 'Over 5 min early' },
  on_time: { da: 'Til tiden (±5 min)', en: 'On time (±5 min)' },
  late_5_15: { da: '5–15 min forsinket', en: '5–15 min late' },
  late_15_30: { da: '15–30 min forsinket', en: '15–30 min late' },
  late_30: { da: 'Over 30 min forsinket', en: 'Over 30 min late' },
};

export const VERDICTS: Record<Verdict, Text> = {
  good: { da: 'Godt', en: 'Good' },
  okay: { da: 'Okay', en: 'Okay' },
  bad: { da: 'Dårligt', en: 'Bad' },
  none: { da: 'Intet svar', en: 'No answer' },
};

/** A cell: a count, a decimal, a share (0–1, shown as a percentage), an instant (ISO), or a text. */
export type Cell =
  | { kind: 'text'; value: string }
  | { kind: 'count' | 'number' | 'minutes'; value: number | null }
  | { kind: 'share'; value: number | null }
  | { kind: 'instant'; value: string | null };

export interface ReportTable {
  id: 'totals' | 'durations' | 'punctuality' | 'satisfaction' | 'satisfactionByTask' | 'trend' | 'flow';
  title: string;
  columns: string[];
  rows: Cell[][];
}

const text = (value: string): Cell => ({ kind: 'text', value });
/** An ISO week ("2026-W49") as a leader says it: "Uge 49, 2026". */
export const weekLabel = (key: string, lang: Lang) => `${T.week[lang]} ${Number(key.slice(6))}, ${key.slice(0, 4)}`;
const count = (value: number | null): Cell => ({ kind: 'count', value });
const pct = (value: number | null): Cell => ({ kind: 'share', value });
const cellOf = (unit: FigureLabel['unit'], value: number | null): Cell => (unit === 'share' ? pct(value) : { kind: unit, value });

const T = {
  totals: { da: 'Nøgletal', en: 'Key figures' },
  figure: { da: 'Nøgletal', en: 'Figure' },
  value: { da: 'Værdi', en: 'Value' },
  definition: { da: 'Definition', en: 'Definition' },
  durations: { da: 'Varighed pr. opgavetype (minutter)', en: 'Duration per task type (minutes)' },
  task: { da: 'Opgave (FSIII)', en: 'Task (FSIII)' },
  visits: { da: 'Besøg', en: 'Visits' },
  median: { da: 'Median', en: 'Median' },
  p90: { da: '90 %-fraktil', en: '90th percentile' },
  punctuality: { da: 'Punktlighed: første opkald i forhold til planlagt tid', en: 'Punctuality: first call against the planned time' },
  interval: { da: 'Interval', en: 'Interval' },
  calls: { da: 'Besøg', en: 'Visits' },
  share: { da: 'Andel', en: 'Share' },
  satisfaction: { da: 'Borgernes tilfredshed', en: "Citizens' satisfaction" },
  answer: { da: 'Svar', en: 'Answer' },
  count: { da: 'Antal', en: 'Count' },
  satisfactionByTask: { da: 'Tilfredshed pr. opgavetype', en: 'Satisfaction per task type' },
  asked: { da: 'Spurgt', en: 'Asked' },
  trend: { da: 'Udvikling pr. uge (12 uger)', en: 'Trend per week (12 weeks)' },
  flow: { da: 'Borgere pr. uge: nye og ophørte', en: 'Citizens per week: new and ended' },
  week: { da: 'Uge', en: 'Week' },
  all: { da: 'I alt', en: 'Total' },
} satisfies Record<string, Text>;

const taskLabel = (code: string, type: string, lang: Lang) => (code === '*' ? T.all[lang] : code ? `${code} ${type}` : type);

/** The trend's columns: the main figures per week. */
export const TREND_FIGURES = [
  'planned',
  'done',
  'notAnswered',
  'technicalFailure',
  'converted',
  'urgent',
  'answerRate',
  'punctualShare',
  'citizens',
  'newCitizens',
  'endedCitizens',
  'goodShare',
] as const;

export function reportTables(report: Report, lang: Lang): ReportTable[] {
  const totals = Object.entries(FIGURES).map(([key, label]) => [
    text(label.name[lang]),
    cellOf(label.unit, report.totals[key as keyof Totals]),
    text(label.definition[lang]),
  ]);
  return [
    { id: 'totals', title: T.totals[lang], columns: [T.figure[lang], T.value[lang], T.definition[lang]], rows: totals },
    {
      id: 'durations',
      title: T.durations[lang],
      columns: [T.task[lang], T.visits[lang], T.median[lang], T.p90[lang]],
      rows: report.durations.map((d) => [
        text(taskLabel(d.taskCode, d.taskType, lang)),
        count(d.visits),
        { kind: 'minutes', value: d.medianMinutes },
        { kind: 'minutes', value: d.p90Minutes },
      ]),
    },
    {
      id: 'punctuality',
      title: T.punctuality[lang],
      columns: [T.interval[lang], T.calls[lang], T.share[lang]],
      rows: report.punctuality.map((p) => [text(BUCKETS[p.bucket][lang]), count(p.calls), pct(p.share)]),
    },
    {
      id: 'satisfaction',
      title: T.satisfaction[lang],
      columns: [T.answer[lang], T.count[lang], T.share[lang]],
      rows: report.satisfaction.answers.map((a) => [text(VERDICTS[a.verdict][lang]), count(a.count), pct(a.share)]),
    },
    {
      id: 'satisfactionByTask',
      title: T.satisfactionByTask[lang],
      columns: [T.task[lang], T.asked[lang], ...(['good', 'okay', 'bad', 'none'] as const).map((v) => VERDICTS[v][lang])],
      rows: report.satisfaction.byTask.map((s) => [
        text(taskLabel(s.taskCode, s.taskType, lang)),
        count(s.asked),
        count(s.good),
        count(s.okay),
        count(s.bad),
        count(s.none),
      ]),
    },
    {
      id: 'trend',
      title: T.trend[lang],
      columns: [T.week[lang], ...TREND_FIGURES.map((f) => FIGURES[f].name[lang])],
      rows: report.trend.map((w) => [text(weekLabel(w.week, lang)), ...TREND_FIGURES.map((f) => cellOf(FIGURES[f].unit, w[f]))]),
    },
    {
      id: 'flow',
      title: T.flow[lang],
      columns: [T.week[lang], FIGURES.citizens.name[lang], FIGURES.newCitizens.name[lang], FIGURES.endedCitizens.name[lang]],
      rows: report.trend.map((w) => [text(weekLabel(w.week, lang)), count(w.citizens), count(w.newCitizens), count(w.endedCitizens)]),
    },
  ];
}

/** A cell as people read it: "12", "12,5", "83,3 %", "06-12-2026 01.55", "–" for no value. */
export function formatCell(cell: Cell, lang: Lang): string {
  if (cell.kind === 'text') return cell.value;
  if (cell.value === null) return '–';
  if (cell.kind === 'instant') return formatInstant(cell.value, lang);
  const locale = lang === 'da' ? 'da-DK' : 'en-GB';
  if (cell.kind === 'share') return `${(cell.value * 100).toLocaleString(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 })} %`;
  if (cell.kind === 'count') return cell.value.toLocaleString(locale, { maximumFractionDigits: 0 });
  return cell.value.toLocaleString(locale, { minimumFractionDigits: cell.kind === 'minutes' ? 1 : 0, maximumFractionDigits: 2 });
}
