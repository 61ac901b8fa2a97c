export declare const INITIAL_JS_BUDGET: number
export declare function initialJavaScript(dist: string): {
  entry: number
  views: { chunk: string; gzip: number }[]
  worst: number
}
