// The parts of the `xliff` package (no types of its own) that src/translations/exchange.ts uses.
declare module 'xliff' {
  export interface XliffUnit {
    source?: unknown;
    target?: unknown;
    note?: string | string[];
    additionalAttributes?: Record<string, string>;
  }
  export interface XliffJs {
    sourceLanguage?: string;
    targetLanguage?: string;
    xliffVersion?: string;
    resources: Record<string, Record<string, XliffUnit>>;
  }
  type Callback<T> = (err: Error | null, result: T) => void;
  export function jsToXliff12(obj: XliffJs, opt: { indent?: string }, cb: Callback<string>): string;
  export function js2xliff(obj: XliffJs, opt: { indent?: string }, cb: Callback<string>): string;
  export function xliff12ToJs(str: string, opt: Record<string, unknown>, cb: Callback<XliffJs>): XliffJs;
  export function xliff2js(str: string, opt: Record<string, unknown>, cb: Callback<XliffJs>): XliffJs;
}
