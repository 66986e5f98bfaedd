// Server-rendered HTML handed from a loader to the document render (see
// app/components/ServerHtml.tsx and app/entry.server.tsx). Safe in the browser:
// there the context is empty.
import { createContext } from "react";

export const ServerFragments = createContext<Map<string, string> | null>(null);

const UNSAFE_IN_SCRIPT = /[<>&\u2028\u2029]/;
const UNSAFE_IN_SCRIPT_ALL = /[<>&\u2028\u2029]/g;

/** JSON for inside a <script>: nothing in it can close the element or start markup. */
export function scriptSafeJson(value: unknown): string {
  const json = JSON.stringify(value);
  return UNSAFE_IN_SCRIPT.test(json) ? json.replace(UNSAFE_IN_SCRIPT_ALL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`) : json;
}
