/** Errors of the core as data, for every module (no WebAssembly is loaded by this one). */

/**
 * The error a core function threw, as data (a FlowdrillError has code, path, line, column,
 * and for a `route` error of a case not decided yet the decision and the attribute it needs).
 */
export interface ErrorInfo {
  code: string;
  message: string;
  path?: string;
  line?: number;
  column?: number;
  decision?: string;
  attribute?: string;
}

export function errorInfo(e: unknown): ErrorInfo {
  if (e && typeof e === 'object') {
    const o = e as Record<string, unknown>;
    const info: ErrorInfo = {
      code: typeof o.code === 'string' ? o.code : 'error',
      message: typeof o.message === 'string' ? o.message : String(e),
    };
    if (typeof o.path === 'string') info.path = o.path;
    if (typeof o.line === 'number') info.line = o.line;
    if (typeof o.column === 'number') info.column = o.column;
    if (typeof o.decision === 'string') info.decision = o.decision;
    if (typeof o.attribute === 'string') info.attribute = o.attribute;
    return info;
  }
  return { code: 'error', message: String(e) };
}
