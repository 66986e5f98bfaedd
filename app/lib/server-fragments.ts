// Server-rendered HTML handed from a loader to the document render (see
// app/components/ServerHtml.tsx and app/entry.server.tsx). Safe in the browser:
// there the context is empty.
import { createContext } from "react";

export const ServerFragments = createContext<Map<string, string> | null>(null);
