// `npm run user:create -- --email ada@example.com --name "Ada" --role admin`
// Creates an account from the command line (the first admin, say). The password
// is asked for twice without echo, or read from --password-file (its first line),
// or from standard input when that is not a terminal. The address counts as
// confirmed: whoever runs this controls the site.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { createDb, resolveDatabase } from "../db/connection";
import { migrateToLatest } from "../db/migrate";
import { emailField, newPasswordField } from "../app/lib/account-forms";
import { isRole, ROLES, type Role } from "../app/lib/roles";
import { NAME_MAX_LENGTH } from "../app/lib/validation";
import { createUser } from "../app/models/users.server";

const USAGE = `Usage: npm run user:create -- --email EMAIL --name "DISPLAY NAME" [--role ${ROLES.join("|")}] [--password-file FILE]`;

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

/** Read one line from the terminal without echoing it. */
function promptHidden(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stdout.write(question);
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding("utf8");
    let value = "";
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === "\r" || char === "\n" || char === "\u0004") {
          stdin.setRawMode(false);
          stdin.pause();
          stdin.off("data", onData);
          process.stdout.write("\n");
          resolve(value);
          return;
        }
        if (char === "\u0003") {
          stdin.setRawMode(false);
          reject(new Error("Cancelled."));
          return;
        }
        if (char === "\u007f" || char === "\b") value = value.slice(0, -1);
        else value += char;
      }
    };
    stdin.on("data", onData);
  });
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

const firstLine = (text: string) => text.split(/\r?\n/)[0] ?? "";

async function readPassword(passwordFile: string | undefined): Promise<string> {
  if (passwordFile) return firstLine(readFileSync(passwordFile, "utf8"));
  if (!process.stdin.isTTY) return firstLine(await readStdin());
  const first = await promptHidden("Password (at least 10 characters): ");
  const second = await promptHidden("The same password again: ");
  if (first !== second) fail("The two passwords differ. Nothing was created.");
  return first;
}

async function main() {
  const { values } = parseArgs({
    options: {
      email: { type: "string" },
      name: { type: "string" },
      role: { type: "string", default: "member" },
      "password-file": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const email = emailField.safeParse(values.email ?? "");
  if (!email.success) fail(`${email.error.issues[0]?.message ?? "Invalid email."}\n${USAGE}`);
  const name = (values.name ?? "").trim();
  if (!name || name.length > NAME_MAX_LENGTH) fail(`Please give a display name of 1 to ${NAME_MAX_LENGTH} characters with --name.\n${USAGE}`);
  if (!isRole(values.role)) fail(`--role must be one of: ${ROLES.join(", ")}.`);
  const role: Role = values.role;

  const password = newPasswordField.safeParse(await readPassword(values["password-file"]));
  if (!password.success) fail(password.error.issues[0]?.message ?? "That password cannot be used.");

  // The embedded server of the data folder, shared with a running `npm start` if there is one.
  const resolved = await resolveDatabase();
  const db = createDb(resolved.url, { max: 1 });
  try {
    await migrateToLatest(db);
    const result = await createUser(db, { email: email.data, displayName: name, password: password.data, role, emailVerified: true });
    if (result.ok) {
      console.log(`Created ${role} #${result.userId}: ${name} <${email.data}>. Log in at /login.`);
    } else {
      // Not fail(): this process must still leave the embedded server below.
      console.error(`An account with the address ${email.data} already exists. Nothing was changed.`);
      process.exitCode = 1;
    }
  } finally {
    await db.destroy();
    await resolved.embedded?.stop();
  }
}

main().then(
  // Explicit: a paused standard input could otherwise keep the process waiting.
  () => process.exit(process.exitCode ?? 0),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
