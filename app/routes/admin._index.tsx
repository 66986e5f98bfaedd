import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { requireRole } from "~/composition/session.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireRole(request, context, "editor");
  return redirect("/admin/articles");
}
