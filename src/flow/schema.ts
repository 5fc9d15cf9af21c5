import { z } from 'zod';

/** The flow format version this code understands. Bump with a migration note in flows/README.md. */
export const SPEC_VERSION = 1;

const id = z
  .string({ error: 'must be a name made of letters, digits, "_" or "-"' })
  .regex(/^[A-Za-z0-9_-]+$/, 'must be a name made of letters, digits, "_" or "-" (no spaces)');
const key = z
  .string({ error: 'must be a translation key such as "q.wages.text"' })
  .regex(/^[A-Za-z0-9_.-]+$/, 'must be a translation key such as "q.wages.text" (no spaces)');

/** How strongly a choice signals an indicator. `strong` counts for the result level; `possible` is shown as "maybe". */
export const strengthSchema = z.enum(['strong', 'possible'], {
  error: 'must be "strong" or "possible"',
});
export type Strength = z.infer<typeof strengthSchema>;

const signalsSchema = z.union([z.array(id), z.record(id, strengthSchema)], {
  error: 'must be a list of indicator ids, or indicator ids each with "strong" or "possible"',
});

export const choiceSchema = z.strictObject({
  id: z.union([id, z.number().transform(String)]),
  label: key,
  words: key.optional(),
  next: id.optional(),
  signals: signalsSchema.optional(),
  urgent: z.boolean({ error: 'must be true or false' }).optional(),
  contacts: z.array(id).optional(),
});

const languageStep = z.strictObject({
  type: z.literal('language'),
  text: key,
  next: id.optional(),
  /** The order of the language menu (locale codes); languages not listed follow, in code order. */
  languages: z.array(z.string()).optional(),
});
const messageStep = z.strictObject({ type: z.literal('message'), text: key, next: id.optional() });
const questionStep = z.strictObject({
  type: z.literal('question'),
  text: key,
  next: id.optional(),
  choices: z.array(choiceSchema).min(2, 'a question needs at least two choices'),
});
const resultStep = z.strictObject({ type: z.literal('result'), text: key });

export const stepSchema = z.discriminatedUnion('type', [languageStep, messageStep, questionStep, resultStep], {
  error: 'needs a "type": language, message, question or result',
});

export const flowSchema = z.strictObject({
  spec_version: z.literal(SPEC_VERSION, { error: `must be ${SPEC_VERSION} (the flow format this bot reads)` }),
  id,
  version: z.number({ error: 'must be a whole number' }).int().positive(),
  start: id,
  steps: z.record(id, stepSchema),
});

export type FlowFile = z.infer<typeof flowSchema>;
export type StepDef = z.infer<typeof stepSchema>;
export type QuestionStepDef = z.infer<typeof questionStep>;
export type ChoiceDef = z.infer<typeof choiceSchema>;

export const dimensionSchema = z.enum(['involuntary', 'coercion', 'rights'], {
  error: 'must be involuntary, coercion or rights',
});
export type Dimension = z.infer<typeof dimensionSchema>;

export const indicatorsSchema = z.strictObject({
  spec_version: z.literal(SPEC_VERSION, { error: `must be ${SPEC_VERSION}` }),
  indicators: z.record(
    id,
    z.strictObject({
      dimension: dimensionSchema,
      source: z.string().min(1),
      /** A sign that can only ever be "possible" (e.g. her own fear): no answer may signal it strongly. */
      only_possible: z.boolean({ error: 'must be true or false' }).optional(),
    }),
  ),
});

const dateSchema = z.union([z.date(), z.string().regex(/^\d{4}-\d{2}-\d{2}$/)], {
  error: 'must be a date written as YYYY-MM-DD',
});

/** How far a contact's number is confirmed (see flows/contacts.yaml). */
export const contactStatusSchema = z.enum(['confirmed', 'check', 'unverified'], {
  error: 'must be confirmed, check or unverified',
});
export type ContactStatus = z.infer<typeof contactStatusSchema>;

const number = z.string({ error: 'must be a phone number in quotes, e.g. "2157 9537"' }).min(3, 'must be a phone number');
/** The ways to reach a contact, in the order they are shown. */
export const CONTACT_WAYS = ['phone', 'whatsapp', 'sms'] as const;
export type ContactWay = (typeof CONTACT_WAYS)[number];
const waysSchema = z.strictObject({ phone: number.optional(), whatsapp: number.optional(), sms: number.optional() });

export const contactSchema = z.strictObject({
  phone: number,
  whatsapp: number.optional(),
  sms: number.optional(),
  /** Other numbers for speakers of one language (locale code -> ways). */
  by_locale: z.record(z.string(), waysSchema).optional(),
  email: z.string().optional(),
  web: z.string().optional(),
  address: z.string().optional(),
  helps_with: z.array(
    z.enum([
      'emergency',
      'labour',
      'wages',
      'shelter',
      'legal',
      'trafficking',
      'consulate',
      'sexual_violence',
      'debt',
      'information',
      'pregnancy',
    ]),
  ),
  languages: z.array(z.string()),
  for_locales: z.array(z.string()).optional(),
  hours: z.string().optional(),
  source: z.string({ error: 'every contact needs a source' }).min(3, 'every contact needs a source'),
  verified: dateSchema,
  status: contactStatusSchema,
});
export type ContactDef = z.infer<typeof contactSchema>;

export const contactsFileSchema = z.strictObject({
  spec_version: z.literal(SPEC_VERSION, { error: `must be ${SPEC_VERSION}` }),
  /** A confirmed contact counts as confirmed for this many days after its "verified" date. */
  confirm_every_days: z.number({ error: 'must be a number of days' }).int().positive(),
  contacts: z.record(id, contactSchema),
  recommend: z.strictObject({
    max: z.number().int().positive(),
    summary: z.number().int().positive(),
    always: z.array(id),
    by_level: z.record(z.string(), z.array(id)),
    by_indicator: z.record(id, z.array(id)),
    by_language: z.record(z.string(), z.array(id)),
    quick: z.array(id).min(1),
    urgent: z.array(id).min(1),
  }),
});
export type ContactsFile = z.infer<typeof contactsFileSchema>;

const figureSchema = z.strictObject({
  value: z.union([z.string(), z.number(), z.date()], { error: 'must be a text, a number or a date (YYYY-MM-DD)' }),
  note: z.string().optional(),
  source: z.string({ error: 'every figure needs a source' }).min(3, 'every figure needs a source'),
  reviewed: dateSchema,
});
export type FigureDef = z.infer<typeof figureSchema>;

export const rulesSchema = z.strictObject({
  spec_version: z.literal(SPEC_VERSION, { error: `must be ${SPEC_VERSION}` }),
  /** `npm run check` warns about a figure reviewed longer ago than this. */
  review_every_days: z.number({ error: 'must be a number of days' }).int().positive(),
  figures: z.record(id, figureSchema),
  sources: z.array(z.string()).optional(),
});
