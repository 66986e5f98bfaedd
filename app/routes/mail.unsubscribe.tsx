// /mail/unsubscribe?token=…: the link at the foot of every mail. Works without
// logging in (the token is signed, see app/models/mail-links.server.ts) and
// offers the lower levels before "no mail at all", as Discourse does. Opening
// it changes nothing (mail scanners open links); the choice is a POST.
import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { formText } from "~/composition/account-http.server";
import { readForm } from "~/lib/forms.server";
import { pageHeaders } from "~/lib/route-headers";
import { getUnsubscribePage, unsubscribe, type UnsubscribeChoice, type UnsubscribePage } from "~/models/mail-links.server";

export const meta: MetaFunction = () => [{ title: "Mail settings: Assay" }, { name: "robots", content: "noindex" }];

// No cache tag: never kept in the guest page cache (the page holds its token).
export const headers: HeadersFunction = pageHeaders;

const BAD_LINK = "This link is not valid (it may have been cut short by your mail program). Open it again from the mail, whole.";

function choiceLabel(choice: UnsubscribeChoice, page: UnsubscribePage): string {
  switch (choice) {
    case "daily":
      return `Daily digest: one mail a day listing what is new in ${page.about}`;
    case "weekly":
      return page.subject.k === "digest" ? "Weekly digest instead of daily" : `Weekly digest: one mail a week listing what is new in ${page.about}`;
    case "following":
      return page.subject.k === "digest"
        ? "No digest: keep these categories on my Following page and feed only"
        : `Following: ${page.about} stays on my Following page and feed, with no mail`;
    case "unwatch-thread":
      return `Stop watching this thread: no more mail about “${page.about}”`;
    case "this-comment":
      return "No more mail about replies to this comment";
    case "all-replies":
      return "No mail about replies to any of my comments";
    case "nothing":
      return page.subject.k === "confirm" || page.subject.k === "guest" ? "Never mail this address again" : "No mail at all from Assay";
  }
}

const DONE: Record<UnsubscribeChoice, string> = {
  daily: "Done: you will get a daily digest for this category instead.",
  weekly: "Done: you will get a weekly digest instead.",
  following: "Done: no more mail for this; it stays on your Following page and in your feed.",
  "unwatch-thread": "Done: you no longer watch this thread.",
  "this-comment": "Done: no more mail about replies to this comment.",
  "all-replies": "Done: no more mail about replies to your comments.",
  nothing: "Done: no more mail will be sent.",
};

export async function loader({ request, context }: LoaderFunctionArgs) {
  const token = new URL(request.url).searchParams.get("token") ?? "";
  const page = await getUnsubscribePage(context.db, token);
  if (!page) return json({ page: null, token: "" }, { status: 400, headers: { "Cache-Control": "private, no-store" } });
  return json(
    { page: { about: page.about, kind: page.subject.k, choices: page.choices.map((c) => ({ value: c, label: choiceLabel(c, page) })) }, token },
    { headers: { "Cache-Control": "private, no-store" } },
  );
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  const result = await unsubscribe(context.db, formText(form, "token"), formText(form, "choice"));
  if (!result.ok) {
    return json(
      { done: null, formError: result.error === "bad-link" ? BAD_LINK : "Choose one of the options, then press the button." },
      { status: 400 },
    );
  }
  return json({ done: DONE[result.choice], formError: null });
}

export default function UnsubscribeRoute() {
  const { page, token } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  if (actionData?.done) {
    return (
      <section className="account-page">
        <h1 className="page-title">Mail settings</h1>
        <p role="status">{actionData.done}</p>
      </section>
    );
  }
  if (!page) {
    return (
      <section className="account-page">
        <h1 className="page-title">Mail settings</h1>
        <div className="form-errors" role="alert">
          <p>{BAD_LINK}</p>
        </div>
      </section>
    );
  }
  return (
    <section className="account-page">
      <h1 className="page-title">Mail settings</h1>
      <p>
        Less mail about <strong>{page.about}</strong>? Choose what you would like instead.
      </p>
      {actionData?.formError ? (
        <div className="form-errors" role="alert">
          <p>{actionData.formError}</p>
        </div>
      ) : null}
      <Form method="post" className="account-form">
        <input type="hidden" name="token" value={token} />
        <fieldset>
          <legend>Instead, send me</legend>
          {page.choices.map((choice, i) => (
            <p key={choice.value}>
              <label>
                <input type="radio" name="choice" value={choice.value} defaultChecked={i === 0} /> {choice.label}
              </label>
            </p>
          ))}
        </fieldset>
        <p>
          <button type="submit" className="button">
            Save
          </button>
        </p>
      </Form>
    </section>
  );
}
