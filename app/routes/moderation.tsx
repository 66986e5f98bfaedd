// The moderators' area: its navigation around the queue, settings, people,
// articles and log. Every page below checks the role itself too (loaders run in
// parallel, so a layout's check alone would not guard a child's data).
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { NavLink, Outlet } from "@remix-run/react";
import { requireRole } from "~/composition/session.server";

export const meta: MetaFunction = () => [{ title: "Moderation: Assay" }, { name: "robots", content: "noindex" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireRole(request, context, "moderator");
  return json(null, { headers: { "Cache-Control": "private, no-store" } });
}

const SECTIONS = [
  { to: "/moderation", label: "Queue", end: true },
  { to: "/moderation/settings", label: "Rules", end: false },
  { to: "/moderation/people", label: "People", end: false },
  { to: "/moderation/articles", label: "Articles", end: false },
  { to: "/moderation/log", label: "Log", end: false },
];

export default function ModerationLayout() {
  return (
    <div className="moderation">
      <nav aria-label="Moderation" className="moderation-nav">
        <ul>
          {SECTIONS.map((section) => (
            <li key={section.to}>
              <NavLink to={section.to} end={section.end}>
                {section.label}
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <Outlet />
    </div>
  );
}
