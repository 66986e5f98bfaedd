// The moderation rules, stored in Postgres (app/models/moderation-settings.server.ts)
// and applied by the moderation pipeline (app/models/moderation.server.ts).
// Site-wide rules: editors and administrators change them; moderators read them
// (as Discourse keeps site settings from moderators).
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { ErrorSummary } from "~/components/AccountFields";
import { SETTINGS_FIELDS, settingsSchema, type SettingsField } from "~/lib/moderation-forms";
import { redirectWithNotice, takeNotice } from "~/lib/moderation-notice.server";
import { hasRole } from "~/lib/roles";
import { requireRole } from "~/composition/session.server";
import { formValues, parseForm } from "~/lib/validation";
import {
  DEFAULT_MODERATION_SETTINGS,
  getModerationSettings,
  RATE_WINDOW_MINUTES,
  saveModerationSettings,
  type ModerationSettings,
} from "~/models/moderation-settings.server";
import { readForm } from "~/lib/forms.server";

export const meta: MetaFunction = () => [{ title: "Rules: Moderation: Assay" }, { name: "robots", content: "noindex" }];

function toValues(settings: ModerationSettings): Record<SettingsField, string> {
  return {
    holdMode: settings.holdMode,
    maxLinks: String(settings.maxLinks),
    heldWords: settings.heldWords.join("\n"),
    blockedWords: settings.blockedWords.join("\n"),
    autoCloseDays: settings.autoCloseDays === null ? "" : String(settings.autoCloseDays),
    guestsAllowed: settings.guestsAllowed ? "yes" : "no",
    guestRateLimit: String(settings.guestRateLimit),
    memberRateLimit: String(settings.memberRateLimit),
    reporterMinAgeHours: String(settings.reporterMinAgeHours),
    disclosureRequired: settings.disclosureRequired ? "required" : "asked",
    tickerNewAccountDays: String(settings.tickerNewAccountDays),
    promotionalPhrases: settings.promotionalPhrases.join("\n"),
    holdConnected: settings.holdConnected ? "yes" : "no",
    spikeMultiplier: String(settings.spikeMultiplier),
    spikeMinComments: String(settings.spikeMinComments),
  };
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const me = await requireRole(request, context, "moderator");
  const [settings, { notice, headers }] = await Promise.all([getModerationSettings(context.db), takeNotice(request)]);
  return json(
    {
      values: toValues(settings),
      defaults: toValues(DEFAULT_MODERATION_SETTINGS),
      notice,
      rateWindow: RATE_WINDOW_MINUTES,
      canEdit: hasRole(me.role, "editor"),
    },
    { headers: { ...headers, "Cache-Control": "private, no-store" } },
  );
}

export async function action({ request, context }: ActionFunctionArgs) {
  const me = await requireRole(request, context, "editor");
  const form = await readForm(request);
  const values = formValues(form, SETTINGS_FIELDS);
  const parsed = parseForm(settingsSchema, values);
  if (!parsed.ok) return json({ errors: parsed.errors, values }, { status: 400 });
  const { changed } = await saveModerationSettings(context.db, { settings: parsed.data, moderatorId: me.id });
  return redirectWithNotice(request, "/moderation/settings", changed.length ? "Rules saved." : "Nothing changed.");
}

const LABELS: Record<SettingsField, string> = {
  holdMode: "Which comments to hold",
  maxLinks: "Links allowed",
  heldWords: "Held words",
  blockedWords: "Blocked words",
  autoCloseDays: "Close comments after",
  guestsAllowed: "Who may comment",
  guestRateLimit: "Guest comments",
  memberRateLimit: "Member comments",
  reporterMinAgeHours: "Reporters' account age",
  disclosureRequired: "Disclosure",
  tickerNewAccountDays: "New accounts mentioning a ticker",
  promotionalPhrases: "Promotional phrases",
  holdConnected: "Paid or connected",
  spikeMultiplier: "Spike alert: times the daily average",
  spikeMinComments: "Spike alert: fewest comments",
};

function FieldError({ id, message }: { id: string; message?: string }) {
  return message ? (
    <span id={`${id}-error`} className="field-error">
      {message}
    </span>
  ) : null;
}

export default function ModerationSettingsRoute() {
  const loaded = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const values = actionData?.values ?? loaded.values;
  const errors: Partial<Record<string, string>> = actionData?.errors ?? {};
  const invalid = (field: SettingsField) => (errors[field] ? { "aria-invalid": true, "aria-describedby": `settings-${field}-error` } : {});
  const d = loaded.defaults;
  return (
    <section aria-labelledby="settings-title">
      <h1 id="settings-title" className="page-title">
        Moderation rules
      </h1>
      <p className="page-lede">
        Every new comment passes these rules in order; the first that holds it says why, and moderators see that reason in the
        queue.
      </p>
      <div role="status" className={loaded.notice ? "notice" : undefined}>
        {loaded.notice ? <p>{loaded.notice}</p> : null}
      </div>
      {loaded.canEdit ? null : (
        <p className="notice" id="settings-read-only">
          These rules apply to the whole site: only editors and administrators can change them. You can read them here.
        </p>
      )}
      <Form method="post" noValidate className="settings-form">
        <ErrorSummary form="settings" errors={errors} labels={LABELS} />
        {/* A disabled fieldset makes every control inside read-only for a moderator. */}
        <fieldset disabled={!loaded.canEdit} className="settings-fields" aria-describedby={loaded.canEdit ? undefined : "settings-read-only"}>
          <fieldset aria-describedby={errors.holdMode ? "settings-holdMode-error" : undefined}>
            <legend>Which comments to hold for review</legend>
            {(
              [
                ["all", "Every comment"],
                ["first-time", "Comments from first-time authors (until one of theirs is approved)"],
                ["none", "None (other rules may still hold a comment)"],
              ] as const
            ).map(([value, label]) => (
              <p key={value} className="settings-choice">
                <input type="radio" id={`settings-holdMode-${value}`} name="holdMode" value={value} defaultChecked={values.holdMode === value} />{" "}
                <label htmlFor={`settings-holdMode-${value}`}>
                  {label}
                  {d.holdMode === value ? " (default)" : ""}
                </label>
              </p>
            ))}
            <FieldError id="settings-holdMode" message={errors.holdMode} />
          </fieldset>

          <p className="queue-field">
            <label htmlFor="settings-maxLinks">Hold a comment with more than this many links (default {d.maxLinks})</label>
            <input id="settings-maxLinks" name="maxLinks" type="text" inputMode="numeric" defaultValue={values.maxLinks} {...invalid("maxLinks")} />
            <FieldError id="settings-maxLinks" message={errors.maxLinks} />
          </p>

          <p className="queue-field">
            <label htmlFor="settings-heldWords">Held words: a comment with one of them waits in Pending</label>
            <textarea id="settings-heldWords" name="heldWords" rows={5} defaultValue={values.heldWords} aria-describedby="settings-words-hint" />
          </p>
          <p className="queue-field">
            <label htmlFor="settings-blockedWords">Blocked words: a comment with one of them goes to Spam</label>
            <textarea id="settings-blockedWords" name="blockedWords" rows={5} defaultValue={values.blockedWords} aria-describedby="settings-words-hint" />
            <span id="settings-words-hint" className="field-hint">
              One word or phrase per line. They match whole words in any case, in the comment and in the author&apos;s name, email and
              website: “pump” matches “PUMP” and “pump-and-dump”, not “pumpkin”.
            </span>
          </p>

          <p className="queue-field">
            <label htmlFor="settings-autoCloseDays">Close comments this many days after an article is published (empty: never)</label>
            <input
              id="settings-autoCloseDays"
              name="autoCloseDays"
              type="text"
              inputMode="numeric"
              defaultValue={values.autoCloseDays}
              {...invalid("autoCloseDays")}
            />
            <FieldError id="settings-autoCloseDays" message={errors.autoCloseDays} />
          </p>

          <fieldset>
            <legend>Who may comment</legend>
            <p className="settings-choice">
              <input type="radio" id="settings-guests-yes" name="guestsAllowed" value="yes" defaultChecked={values.guestsAllowed === "yes"} />{" "}
              <label htmlFor="settings-guests-yes">Guests and members (default)</label>
            </p>
            <p className="settings-choice">
              <input type="radio" id="settings-guests-no" name="guestsAllowed" value="no" defaultChecked={values.guestsAllowed === "no"} />{" "}
              <label htmlFor="settings-guests-no">Members only</label>
            </p>
            <FieldError id="settings-guestsAllowed" message={errors.guestsAllowed} />
          </fieldset>

          <fieldset>
            <legend>Rate limits: comments allowed per {loaded.rateWindow} minutes</legend>
            <p className="queue-field">
              <label htmlFor="settings-guestRateLimit">From one guest IP address (default {d.guestRateLimit})</label>
              <input id="settings-guestRateLimit" name="guestRateLimit" type="text" inputMode="numeric" defaultValue={values.guestRateLimit} {...invalid("guestRateLimit")} />
              <FieldError id="settings-guestRateLimit" message={errors.guestRateLimit} />
            </p>
            <p className="queue-field">
              <label htmlFor="settings-memberRateLimit">From one member (default {d.memberRateLimit})</label>
              <input
                id="settings-memberRateLimit"
                name="memberRateLimit"
                type="text"
                inputMode="numeric"
                defaultValue={values.memberRateLimit}
                {...invalid("memberRateLimit")}
              />
              <FieldError id="settings-memberRateLimit" message={errors.memberRateLimit} />
            </p>
          </fieldset>

          <fieldset>
            <legend>Reports</legend>
            <p className="queue-field">
              <label htmlFor="settings-reporterMinAgeHours">
                A comment is hidden after 3 reports from members whose account is at least this many hours old and who have an
                approved comment (default {d.reporterMinAgeHours}: one day). Other reports still reach the Reported tab.
              </label>
              <input
                id="settings-reporterMinAgeHours"
                name="reporterMinAgeHours"
                type="text"
                inputMode="numeric"
                defaultValue={values.reporterMinAgeHours}
                {...invalid("reporterMinAgeHours")}
              />
              <FieldError id="settings-reporterMinAgeHours" message={errors.reporterMinAgeHours} />
            </p>
          </fieldset>
          <fieldset aria-describedby="settings-disclosure-hint">
            <legend>Disclosure: when a comment mentions a ticker</legend>
            <p id="settings-disclosure-hint" className="field-hint">
              The form asks the commenter&apos;s position in each company their comment mentions (Long, Short, No position, Prefer not
              to say) and whether they are paid by or connected to it; the answer is shown beside the comment.
            </p>
            <p className="settings-choice">
              <input type="radio" id="settings-disclosure-asked" name="disclosureRequired" value="asked" defaultChecked={values.disclosureRequired === "asked"} />{" "}
              <label htmlFor="settings-disclosure-asked">Asked, not required{d.disclosureRequired === "asked" ? " (default)" : ""}</label>
            </p>
            <p className="settings-choice">
              <input type="radio" id="settings-disclosure-required" name="disclosureRequired" value="required" defaultChecked={values.disclosureRequired === "required"} />{" "}
              <label htmlFor="settings-disclosure-required">Required: a comment is not posted without an answer for each ticker</label>
            </p>
            <FieldError id="settings-disclosureRequired" message={errors.disclosureRequired} />
          </fieldset>
          <fieldset>
            <legend>Defences against promotion (comments that mention a ticker)</legend>
            <p className="queue-field">
              <label htmlFor="settings-tickerNewAccountDays">
                Hold a comment mentioning a ticker from an account, or a guest email, younger than this many days (default{" "}
                {d.tickerNewAccountDays}; 0: off)
              </label>
              <input
                id="settings-tickerNewAccountDays"
                name="tickerNewAccountDays"
                type="text"
                inputMode="numeric"
                defaultValue={values.tickerNewAccountDays}
                {...invalid("tickerNewAccountDays")}
              />
              <FieldError id="settings-tickerNewAccountDays" message={errors.tickerNewAccountDays} />
            </p>
            <p className="queue-field">
              <label htmlFor="settings-promotionalPhrases">
                Promotional phrases: a comment with one of them and a ticker waits in Pending (one per line; defaults:{" "}
                {d.promotionalPhrases.split("\n").join(", ")})
              </label>
              <textarea id="settings-promotionalPhrases" name="promotionalPhrases" rows={5} defaultValue={values.promotionalPhrases} />
            </p>
            <fieldset aria-describedby={errors.holdConnected ? "settings-holdConnected-error" : undefined}>
              <legend>A comment whose author says they are paid by or connected to a company it mentions</legend>
              <p className="settings-choice">
                <input type="radio" id="settings-holdConnected-yes" name="holdConnected" value="yes" defaultChecked={values.holdConnected === "yes"} />{" "}
                <label htmlFor="settings-holdConnected-yes">Hold it for review (default)</label>
              </p>
              <p className="settings-choice">
                <input type="radio" id="settings-holdConnected-no" name="holdConnected" value="no" defaultChecked={values.holdConnected === "no"} />{" "}
                <label htmlFor="settings-holdConnected-no">Publish it with its disclosure</label>
              </p>
              <FieldError id="settings-holdConnected" message={errors.holdConnected} />
            </fieldset>
            <p className="queue-field">
              <label htmlFor="settings-spikeMultiplier">
                Spike alert in the queue: a ticker&apos;s comments in the last 24 hours exceed this many times its 30-day daily average
                (default {d.spikeMultiplier})
              </label>
              <input id="settings-spikeMultiplier" name="spikeMultiplier" type="text" inputMode="numeric" defaultValue={values.spikeMultiplier} {...invalid("spikeMultiplier")} />
              <FieldError id="settings-spikeMultiplier" message={errors.spikeMultiplier} />
            </p>
            <p className="queue-field">
              <label htmlFor="settings-spikeMinComments">…and number at least (default {d.spikeMinComments})</label>
              <input id="settings-spikeMinComments" name="spikeMinComments" type="text" inputMode="numeric" defaultValue={values.spikeMinComments} {...invalid("spikeMinComments")} />
              <FieldError id="settings-spikeMinComments" message={errors.spikeMinComments} />
            </p>
          </fieldset>
          {loaded.canEdit ? (
            <p>
              <button type="submit" className="button" aria-busy={navigation.state === "submitting" || undefined}>
                Save rules
              </button>
            </p>
          ) : null}
        </fieldset>
      </Form>
    </section>
  );
}
